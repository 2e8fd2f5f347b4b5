import { useState } from "react";
import type { FormEvent } from "react";
import { TokenCreate, type Role, type TokenCreated, type TokenView } from "../../../../shared/api/api-contract";
import { Button, ConfirmDialog, ErrorAlert, Spinner } from "../../../components/ui";
import { formatRelative } from "../../../lib/format";
import { useCreateToken, useRevokeToken, useTokens } from "../hooks/use-tokens";
import { CopyButton } from "./copy-button";
import { Field, IssuesAlert, Section, inputClass } from "./field";
import { ROLE_HINT, RoleSelect } from "./role-select";

function NewTokenForm({ onCreated, onCancel }: { onCreated: (created: TokenCreated) => void; onCancel: () => void }) {
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const [issues, setIssues] = useState<string[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = TokenCreate.safeParse({ name, role });
    setIssues(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
    if (parsed.success) create.mutate(parsed.data, { onSuccess: onCreated });
  };
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="new-token-form">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Token name" hint="What uses it: “deploy bot”, “laptop CLI”.">
          <input className={inputClass} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Token role" hint={ROLE_HINT}>
          <RoleSelect value={role} onChange={setRole} />
        </Field>
      </div>
      <IssuesAlert issues={issues} />
      <ErrorAlert error={create.error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

function CreatedToken({ created, onDismiss }: { created: TokenCreated; onDismiss: () => void }) {
  return (
    <Section title={`Token “${created.token.name}” created`} testId="token-created">
      <p className="text-sm text-slate-700">Copy it now: it is shown this once and Baton keeps only its hash.</p>
      <div className="mt-2 flex flex-wrap items-start gap-2">
        <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all text-slate-900" data-testid="token-secret">
          {created.secret}
        </code>
        <CopyButton text={created.secret} label="Copy token" />
        <Button variant="ghost" onClick={onDismiss}>
          Done
        </Button>
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>, or set <code className="font-mono">BATON_TOKEN</code> for{" "}
        <code className="font-mono">baton … --server</code>.
      </p>
    </Section>
  );
}

function TokenRow({ token }: { token: TokenView }) {
  const revoke = useRevokeToken();
  const [confirming, setConfirming] = useState(false);
  return (
    <tr className="border-t border-slate-100 align-top" data-testid="token-row" data-token={token.name}>
      <td className="px-3 py-2 font-medium text-slate-900">{token.name}</td>
      <td className="px-3 py-2 text-slate-700">{token.role}</td>
      <td className="px-3 py-2 text-slate-600">
        {token.fromEnvironment ? "the environment" : (token.createdBy ?? "—")}, {formatRelative(token.createdAt)}
      </td>
      <td className="px-3 py-2 text-slate-600" data-testid="token-last-used">
        {token.lastUsedAt === null ? "never" : formatRelative(token.lastUsedAt)}
      </td>
      <td className="px-3 py-2 text-right">
        {token.fromEnvironment ? (
          <span className="text-xs text-slate-500">unset BATON_ADMIN_TOKEN to revoke</span>
        ) : (
          <Button variant="danger" onClick={() => setConfirming(true)} disabled={revoke.isPending}>
            Revoke
          </Button>
        )}
        <ErrorAlert error={revoke.error} />
        <ConfirmDialog
          open={confirming}
          title={`Revoke “${token.name}”?`}
          confirmLabel="Revoke token"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            revoke.mutate(token.id);
          }}
        >
          Anything using it is refused from now on.
        </ConfirmDialog>
      </td>
    </tr>
  );
}

/** Settings → API tokens (admins): tokens for scripts and the CLI, each with a role. */
export function TokensPage() {
  const tokens = useTokens();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<TokenCreated | null>(null);
  return (
    <main className="mx-auto max-w-5xl space-y-4 p-4" data-testid="settings-tokens-page">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-lg font-semibold text-slate-900">API tokens</h1>
          <p className="text-sm text-slate-600">For scripts, hooks and the command line. Each token acts with its role; revoke one and it stops working at once.</p>
        </div>
        {!creating && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            New token
          </Button>
        )}
      </div>
      {created && <CreatedToken created={created} onDismiss={() => setCreated(null)} />}
      {creating && (
        <Section title="New token">
          <NewTokenForm
            onCancel={() => setCreating(false)}
            onCreated={(made) => {
              setCreated(made);
              setCreating(false);
            }}
          />
        </Section>
      )}
      {tokens.isPending ? (
        <Spinner />
      ) : tokens.isError ? (
        <ErrorAlert error={tokens.error} />
      ) : tokens.data.length === 0 ? (
        <p className="text-sm text-slate-500">No tokens yet.</p>
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-3 py-2">Name</th>
                <th className="px-3 py-2">Role</th>
                <th className="px-3 py-2">Created</th>
                <th className="px-3 py-2">Last used</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <TokenRow key={token.id} token={token} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
