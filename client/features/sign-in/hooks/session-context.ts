import { createContext, useContext } from "react";
import type { SessionInfo } from "../../../../shared/api/api-contract";

export type SessionUser = SessionInfo["user"];

export type SessionState =
  | { status: "checking" }
  | { status: "signedOut"; error: Error | null }
  | { status: "signedIn"; user: SessionUser };

export interface SessionContextValue {
  session: SessionState;
  /** Exchanges a user name and password for the session cookie; rejects with the server's message. */
  signIn: (name: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Asks the server again whether the session still holds (after a socket refuses us, say). */
  recheck: () => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession must be used inside SessionProvider");
  return value;
}
