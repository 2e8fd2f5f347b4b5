import { useState } from "react";
import type { FormEvent } from "react";
import { Button, ErrorAlert } from "../../../components/ui";
import { useSession } from "../hooks/session-context";

const inputClass =
  "w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500";

export function SignInPage() {
  const { session, signIn } = useSession();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const startupError = session.status === "signedOut" ? session.error : null;
  const ready = name.trim() !== "" && password !== "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setPending(true);
    setError(null);
    try {
      await signIn(name.trim(), password);
    } catch (cause) {
      setError(cause as Error);
      setPending(false);
    }
  };

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 p-6">
      <form onSubmit={submit} className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm" aria-labelledby="sign-in-title" data-testid="sign-in-form">
        <div>
          <h1 id="sign-in-title" className="text-lg font-semibold text-slate-900">
            Sign in to Baton
          </h1>
          <p className="mt-1 text-sm text-slate-500">On a new server the user is admin; its password is in the server's first log.</p>
        </div>
        <label className="block space-y-1">
          <span className="text-sm font-medium text-slate-700">User name</span>
          <input name="username" autoComplete="username" autoFocus required value={name} onChange={(event) => setName(event.target.value)} className={inputClass} />
        </label>
        <label className="block space-y-1">
          <span className="text-sm font-medium text-slate-700">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            className={inputClass}
          />
        </label>
        <ErrorAlert error={error ?? startupError} />
        <Button type="submit" variant="primary" className="w-full" disabled={pending || !ready}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </main>
  );
}
