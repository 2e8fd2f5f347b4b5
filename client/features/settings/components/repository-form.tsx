import { useState } from "react";
import type { FormEvent } from "react";
import { Button, ErrorAlert } from "../../../components/ui";
import { DEFAULT_API_BASE_URL } from "../utils/repository-form";
import type { RepositoryFormValues } from "../utils/repository-form";
import { EventsFieldset } from "./events-fieldset";
import { Field, IssuesAlert, inputClass } from "./field";

export interface RepositoryFormProps {
  mode: "create" | "edit";
  initial: RepositoryFormValues;
  /** Edit: whether a token is set now (the token itself is never shown). */
  hasToken?: boolean;
  /** Returns the issues that keep the values from being sent, or none when they were sent. */
  onSubmit: (values: RepositoryFormValues) => readonly string[];
  onCancel?: () => void;
  pending: boolean;
  /** The server's refusal. */
  error: unknown;
  testId: string;
}

/** Adding a repository, and editing one: the same fields, the token write-only in both. */
export function RepositoryForm({ mode, initial, hasToken = false, onSubmit, onCancel, pending, error, testId }: RepositoryFormProps) {
  const [values, setValues] = useState(initial);
  const [issues, setIssues] = useState<readonly string[]>([]);
  const set = <K extends keyof RepositoryFormValues>(key: K, value: RepositoryFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setIssues(onSubmit(values));
  };

  return (
    <form onSubmit={submit} className="space-y-4" data-testid={testId} aria-label={mode === "create" ? "Add repository" : "Edit repository"} noValidate>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <Field label="Name" hint="owner/repo, as GitHub names it: deliveries are matched by this name.">
          <input
            name="name"
            required
            autoComplete="off"
            spellCheck={false}
            placeholder="acme/app"
            value={values.name}
            onChange={(e) => set("name", e.target.value)}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <Field label="Clone URL" hint="Any URL git understands (https, ssh, git@host:path, file://), or an absolute path on the server's machine.">
          <input
            name="cloneUrl"
            required
            autoComplete="off"
            spellCheck={false}
            placeholder="https://github.com/acme/app.git"
            value={values.cloneUrl}
            onChange={(e) => set("cloneUrl", e.target.value)}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <Field label="Default branch" hint=".conducto.cfg is read from this branch.">
          <input
            name="defaultBranch"
            autoComplete="off"
            spellCheck={false}
            value={values.defaultBranch}
            onChange={(e) => set("defaultBranch", e.target.value)}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <Field label="GitHub API base URL" hint={`For commit statuses. GitHub Enterprise Server: https://<host>/api/v3. Default ${DEFAULT_API_BASE_URL}.`}>
          <input
            name="apiBaseUrl"
            type="url"
            autoComplete="off"
            spellCheck={false}
            value={values.apiBaseUrl}
            onChange={(e) => set("apiBaseUrl", e.target.value)}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <div className="space-y-1 md:col-span-2">
          <Field
            label="Access token"
            hint={
              mode === "edit"
                ? hasToken
                  ? "A token is set. Leave this empty to keep it, type a new one to replace it."
                  : "No token is set: commit statuses are not sent."
                : "Optional. Used to clone a private repository and to send commit statuses; write-only, never shown again."
            }
          >
            <input
              name="accessToken"
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              placeholder={mode === "edit" && hasToken ? "unchanged" : "none"}
              disabled={values.clearToken}
              value={values.accessToken}
              onChange={(e) => set("accessToken", e.target.value)}
              className={`${inputClass} font-mono`}
            />
          </Field>
          {mode === "edit" && hasToken && (
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" name="clearToken" checked={values.clearToken} onChange={(e) => set("clearToken", e.target.checked)} data-testid="clear-token" />
              Clear token (stops commit statuses; private repositories can no longer be fetched)
            </label>
          )}
        </div>
      </div>
      <EventsFieldset value={values.events} onChange={(events) => set("events", events)} />
      <IssuesAlert issues={issues} />
      <ErrorAlert error={error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={pending} data-testid={`${testId}-submit`}>
          {mode === "create" ? (pending ? "Adding…" : "Add repository") : pending ? "Saving…" : "Save changes"}
        </Button>
        {onCancel && (
          <Button onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
