import type { RepositoryEvent, RepositoryView } from "../../../../shared/api/repositories";
import { Button } from "../../../components/ui";
import { CopyButton } from "./copy-button";

/** GitHub's webhook events that a repository's enabled cfg events need. */
const GITHUB_EVENTS: ReadonlyArray<readonly [string, readonly RepositoryEvent[]]> = [
  ["Pushes", ["push"]],
  ["Pull requests", ["pr", "pr-close"]],
  ["Branch or tag creation", ["create-branch", "create-tag"]],
  ["Branch or tag deletion", ["delete-branch", "delete-tag"]],
];

/** What to paste into GitHub: the address of this server's webhook endpoint, as the browser reaches it. */
export function webhookUrlHere(): string {
  return `${window.location.origin}/api/webhooks/github`;
}

export interface WebhookSetupProps {
  repository: RepositoryView;
  /** The secret, from creation or rotation: shown this once. */
  secret?: string | null;
  onDismiss?: () => void;
}

/** GitHub → Settings → Webhooks → Add webhook, field by field. */
export function WebhookSetup({ repository, secret, onDismiss }: WebhookSetupProps) {
  const url = webhookUrlHere();
  const events = GITHUB_EVENTS.filter(([, cfgEvents]) => cfgEvents.some((event) => repository.events.includes(event))).map(([name]) => name);
  return (
    <div className="space-y-3 text-sm" data-testid="webhook-setup">
      <p className="text-slate-600">
        In GitHub, open <span className="font-medium">{repository.name}</span> → Settings → Webhooks → Add webhook, and fill in:
      </p>
      <dl className="grid grid-cols-[10rem_1fr] items-center gap-x-3 gap-y-2">
        <dt className="text-slate-500">Payload URL</dt>
        <dd className="flex flex-wrap items-center gap-2">
          <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs break-all" data-testid="webhook-url">
            {url}
          </code>
          <CopyButton text={url} label="Copy URL" testId="copy-webhook-url" />
        </dd>
        <dt className="text-slate-500">Content type</dt>
        <dd>
          <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs" data-testid="webhook-content-type">
            application/json
          </code>
        </dd>
        <dt className="text-slate-500">Secret</dt>
        <dd>
          {secret ? (
            <span className="flex flex-wrap items-center gap-2">
              <code className="rounded bg-amber-50 px-1.5 py-0.5 font-mono text-xs break-all ring-1 ring-amber-200" data-testid="webhook-secret">
                {secret}
              </code>
              <CopyButton text={secret} label="Copy secret" testId="copy-webhook-secret" />
            </span>
          ) : (
            <span className="text-slate-500">set (shown only when the repository is added or its secret rotated)</span>
          )}
        </dd>
        <dt className="text-slate-500">Events</dt>
        <dd className="text-slate-700">{events.length > 0 ? `Let me select individual events: ${events.join(", ")}` : "none of this repository's events come from GitHub"}</dd>
      </dl>
      {repository.webhookUrl !== url && (
        <p className="text-xs text-slate-500">
          This server's configured address (BATON_PUBLIC_URL) gives <code className="font-mono">{repository.webhookUrl}</code>: paste whichever address GitHub
          can reach.
        </p>
      )}
      {secret && (
        <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900" data-testid="secret-shown-once">
          <span>
            <strong className="font-semibold">Shown once.</strong> Baton keeps the secret encrypted and will not show it again; copy it into GitHub now. If it is
            lost, rotate it.
          </span>
          {onDismiss && (
            <Button onClick={onDismiss} data-testid="secret-dismiss">
              I have saved it
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
