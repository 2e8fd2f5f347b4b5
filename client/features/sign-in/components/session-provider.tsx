import { useCallback, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { isApiRequestError, onUnauthorized } from "../../../lib/api";
import { createSession, deleteSession, fetchSession } from "../api/session-api";
import { SessionContext } from "../hooks/session-context";
import type { SessionContextValue, SessionState } from "../hooks/session-context";

/**
 * Knows whether the browser holds a valid session. Any request answering 401 signs the app out,
 * which shows the sign-in page in place of whatever was on screen (the URL is kept).
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<SessionState>({ status: "checking" });

  const check = useCallback((signal?: AbortSignal) => {
    fetchSession(signal).then(
      (info) => setSession({ status: "signedIn", user: info.user }),
      (error: unknown) => {
        if (signal?.aborted) return;
        const expected = isApiRequestError(error) && error.status === 401;
        setSession({ status: "signedOut", error: expected ? null : (error as Error) });
      },
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    check(controller.signal);
    return () => controller.abort();
  }, [check]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setSession((current) => (current.status === "signedOut" ? current : { status: "signedOut", error: null }));
        queryClient.clear();
      }),
    [queryClient],
  );

  const signIn = useCallback(async (name: string, password: string) => {
    const info = await createSession({ name, password });
    setSession({ status: "signedIn", user: info.user });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await deleteSession();
    } finally {
      setSession({ status: "signedOut", error: null });
      queryClient.clear();
    }
  }, [queryClient]);

  const recheck = useCallback(() => check(), [check]);

  const value = useMemo<SessionContextValue>(() => ({ session, signIn, signOut, recheck }), [session, signIn, signOut, recheck]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
