import { useState } from "react";
import type { FormEvent } from "react";
import { Button, ErrorAlert } from "../../../components/ui";
import { useSession } from "../hooks/session-context";

export function SignInPage() {
  const { session, signIn } = useSession();
  const [token, setToken] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const startupError = session.status === "signedOut" ? session.error : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) return;
    setPending(true);
    setError(null);
    try {
      await signIn(token.trim());
    } catch (cause) {
      setError(cause as Error);
      setPending(false);
    }
  };

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 p-6">
      <form onSubmit={submit} className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm" aria-labelledby="sign-in-title">
        <div>
          <h1 id="sign-in-title" className="text-lg font-semibold text-slate-900">
            Sign in to Baton
          </h1>
          <p className="mt-1 text-sm text-slate-500">Paste an access token (the server's BATON_ADMIN_TOKEN, or one made in settings).</p>
        </div>
        <label className="block space-y-1">
          <span className="text-sm font-medium text-slate-700">Access token</span>
          <input
            name="token"
            type="password"
            autoComplete="current-password"
            autoFocus
            required
            value={token}
            onChange={(event) => setToken(event.target.value)}
            className="w-full rounded-md border border-slate-300 px-2.5 py-1.5 font-mono text-sm focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500"
          />
        </label>
        <ErrorAlert error={error ?? startupError} />
        <Button type="submit" variant="primary" className="w-full" disabled={pending || !token.trim()}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </main>
  );
}
