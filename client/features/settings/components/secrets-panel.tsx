import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { SecretName, SecretSet, type SecretView } from "../../../../shared/api/secrets";
import { Button, ConfirmDialog, ErrorAlert, Spinner } from "../../../components/ui";
import { formatRelative } from "../../../lib/format";
import type { SecretScopeId } from "../api/secrets-api";
import { useDeleteSecret, useSecrets, useSetSecret } from "../hooks/use-secrets";
import { Field, IssuesAlert, inputClass } from "./field";

/** Sets a secret: the value field is write-only and emptied once the value is saved. */
function SetSecretForm({ scope, name, onName }: { scope: SecretScopeId; name: string; onName: (name: string) => void }) {
  const set = useSetSecret(scope);
  const [value, setValue] = useState("");
  const [multiline, setMultiline] = useState(false);
  const [issues, setIssues] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = [
      ...(SecretName.safeParse(name).error?.issues.map((issue) => `name: ${issue.message}`) ?? []),
      ...(SecretSet.safeParse({ value }).error?.issues.map((issue) => `value: ${issue.message}`) ?? []),
    ];
    setIssues(problems);
    setSaved(null);
    if (problems.length > 0) return;
    set.mutate(
      { name, value },
      {
        onSuccess: (view) => {
          setValue("");
          setSaved(view.name);
        },
      },
    );
  };
  const valueProps = {
    className: `${inputClass} font-mono`,
    value,
    autoComplete: "new-password",
    spellCheck: false,
    onChange: (e: { target: { value: string } }) => setValue(e.target.value),
    "data-testid": "secret-value-input",
  };
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="set-secret-form">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <Field label="Secret name" hint="An environment variable name, e.g. NPM_TOKEN.">
          <input className={`${inputClass} font-mono`} autoComplete="off" spellCheck={false} value={name} onChange={(e) => onName(e.target.value)} data-testid="secret-name-input" />
        </Field>
        <Field label="Secret value" hint="Write-only: Baton never shows it again, and prints it as *** in logs.">
          {multiline ? <textarea rows={4} {...valueProps} /> : <input type="password" {...valueProps} />}
        </Field>
      </div>
      <label className="flex items-center gap-2 text-xs text-slate-600">
        <input type="checkbox" checked={multiline} onChange={(e) => setMultiline(e.target.checked)} />
        Multi-line value (a key file)
      </label>
      <IssuesAlert issues={issues} />
      <ErrorAlert error={set.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" disabled={set.isPending} data-testid="save-secret-button">
          {set.isPending ? "Saving…" : "Save secret"}
        </Button>
        {saved && (
          <span className="text-sm text-green-700" role="status" data-testid="secret-saved">
            {saved} saved.
          </span>
        )}
      </div>
    </form>
  );
}

function SecretRow({ scope, secret, onReplace }: { scope: SecretScopeId; secret: SecretView; onReplace: () => void }) {
  const remove = useDeleteSecret(scope);
  const [confirming, setConfirming] = useState(false);
  return (
    <tr className="border-t border-slate-100 align-top" data-testid="secret-row" data-name={secret.name}>
      <td className="px-3 py-2 font-mono font-medium text-slate-900">{secret.name}</td>
      <td className="px-3 py-2 text-slate-500" aria-label="value hidden">
        ••••••
      </td>
      <td className="px-3 py-2 text-slate-600">
        {formatRelative(secret.updatedAt)}
        {secret.updatedBy ? ` by ${secret.updatedBy}` : ""}
      </td>
      <td className="space-x-2 px-3 py-2 text-right whitespace-nowrap">
        <Button onClick={onReplace}>Replace value</Button>
        <Button variant="danger" onClick={() => setConfirming(true)} disabled={remove.isPending} data-testid="delete-secret-button">
          Delete
        </Button>
        <ErrorAlert error={remove.error} />
        <ConfirmDialog
          open={confirming}
          title={`Delete the secret ${secret.name}?`}
          confirmLabel="Delete secret"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            remove.mutate(secret.name);
          }}
        >
          Nodes that start from now on no longer get it.
        </ConfirmDialog>
      </td>
    </tr>
  );
}

/** A scope's secrets: their names (never values), a form to set one, delete. */
export function SecretsPanel({ scope }: { scope: SecretScopeId }) {
  const secrets = useSecrets(scope);
  const [name, setName] = useState("");
  const formRef = useRef<HTMLDivElement>(null);
  return (
    <div className="space-y-4" data-testid="secrets-panel">
      {secrets.isPending ? (
        <Spinner />
      ) : secrets.isError ? (
        <ErrorAlert error={secrets.error} />
      ) : secrets.data.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="no-secrets">
          No secrets yet.
        </p>
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-3 py-2">Name</th>
                <th className="px-3 py-2">Value</th>
                <th className="px-3 py-2">Updated</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody>
              {secrets.data.map((secret) => (
                <SecretRow
                  key={secret.name}
                  scope={scope}
                  secret={secret}
                  onReplace={() => {
                    setName(secret.name);
                    formRef.current?.querySelector<HTMLElement>("[data-testid=secret-value-input]")?.focus();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div ref={formRef}>
        <SetSecretForm scope={scope} name={name} onName={setName} />
      </div>
    </div>
  );
}
