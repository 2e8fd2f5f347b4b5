import { SecretsPanel } from "./secrets-panel";

/** Settings → Secrets (admins): the global secrets, given to every registered repository's pipelines. */
export function SecretsPage() {
  return (
    <main className="mx-auto max-w-5xl space-y-4 p-4" data-testid="settings-secrets-page">
      <div>
        <h1 className="text-lg font-semibold text-slate-900">Secrets</h1>
        <p className="text-sm text-slate-600">
          Global secrets reach every Exec node of the pipelines a registered repository launches (webhooks, hooks, cron) as environment variables, and
          are printed as <code className="font-mono">***</code> in their logs. A repository's own secrets, set on its page, win over a global one of the
          same name. A pull request from a fork gets none; nor do generate steps and pipelines launched by hand.
        </p>
      </div>
      <SecretsPanel scope="global" />
    </main>
  );
}
