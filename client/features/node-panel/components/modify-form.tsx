import { useState } from "react";
import type { FormEvent } from "react";
import { NodeAction } from "../../../../shared/api/node-actions";
import type { EnvMap } from "../../../../shared/pipeline/pipeline-schema";
import { Button, ErrorAlert } from "../../../components/ui";
import { envToLines, parseEnvLines, sameEnv } from "../utils/env-lines";

export interface ModifyFormProps {
  path: string;
  command: string;
  env: EnvMap;
  disabledReason: string | null;
  onSubmit: (action: NodeAction) => void;
  onCancel: () => void;
}

/** Edits an Exec's command and environment; "Save and rerun" sends one modify action. */
export function ModifyForm({ path, command, env, disabledReason, onSubmit, onCancel }: ModifyFormProps) {
  const [commandText, setCommandText] = useState(command);
  const [envText, setEnvText] = useState(() => envToLines(env));
  const [errors, setErrors] = useState<string[]>([]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseEnvLines(envText);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    const commandChanged = commandText !== command;
    const envChanged = !sameEnv(parsed.env, env);
    const candidate = {
      action: "modify" as const,
      path,
      ...(commandChanged || !envChanged ? { command: commandText } : {}),
      ...(envChanged ? { env: parsed.env } : {}),
    };
    const checked = NodeAction.safeParse(candidate);
    if (!checked.success) {
      setErrors(checked.error.issues.map((issue) => `${issue.path.join(".") || "modify"}: ${issue.message}`));
      return;
    }
    setErrors([]);
    onSubmit(checked.data);
  };

  return (
    <form onSubmit={submit} className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-2" aria-label={`Modify ${path}`} data-testid="modify-form">
      <label className="block space-y-1">
        <span className="text-xs font-medium text-slate-700">Command</span>
        <textarea
          name="command"
          aria-label="Command"
          rows={Math.min(10, Math.max(2, commandText.split("\n").length))}
          value={commandText}
          onChange={(event) => setCommandText(event.target.value)}
          spellCheck={false}
          className="w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs focus:border-blue-500 focus:outline-none"
        />
      </label>
      <label className="block space-y-1">
        <span className="text-xs font-medium text-slate-700">Environment (KEY=VALUE, one per line)</span>
        <textarea
          name="env"
          aria-label="Environment"
          rows={Math.min(10, Math.max(2, envText.split("\n").length + 1))}
          value={envText}
          onChange={(event) => setEnvText(event.target.value)}
          spellCheck={false}
          className="w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs focus:border-blue-500 focus:outline-none"
        />
      </label>
      {errors.length > 0 && <ErrorAlert error={new Error(errors.join("\n"))} className="whitespace-pre-line" />}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={disabledReason !== null || !commandText.trim()} title={disabledReason ?? undefined}>
          Save and rerun
        </Button>
      </div>
    </form>
  );
}
