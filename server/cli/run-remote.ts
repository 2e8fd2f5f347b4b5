import type { LaunchRequest, LaunchResult } from "../../shared/api/api-contract";
import type { PipelineDetail } from "../../shared/api/pipeline-views";
import type { CfgLaunchRequest } from "../integrations/cfg-launcher";
import { ProgressView, exitStatusOf, invalidGenerateReason } from "./cli-output";
import { CliFailure } from "./cli-failure";

/** --server: the same launch through the server's API (token from BATON_TOKEN), followed until it ends. */
export async function runRemote(server: string, token: string | undefined, request: CfgLaunchRequest, options: { json: boolean }): Promise<number> {
  const base = server.replace(/\/$/, "");
  const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const body: LaunchRequest = {
    kind: "cfg",
    repo: request.repoDir,
    cfgText: request.cfgText,
    event: request.requested,
    variables: request.variables,
    ...(request.sha ? { sha: request.sha } : {}),
  };
  const response = await fetch(`${base}/api/pipelines`, { method: "POST", headers, body: JSON.stringify(body) }).catch((error: Error) => {
    throw new CliFailure(`cannot reach ${base}: ${error.message}`);
  });
  const payload = (await response.json().catch(() => null)) as (LaunchResult & { error?: { message: string } }) | null;
  if (!response.ok) throw new CliFailure(`${base} refused the launch (${response.status}): ${payload?.error?.message ?? response.statusText}`);
  for (const line of payload?.skipped ? [payload.skipped] : []) process.stderr.write(`baton: ${line}\n`);
  const ids = payload?.pipelines.map((p) => p.id) ?? [];
  if (ids.length === 0) return 0;
  const view = new ProgressView(options.json);
  const details: PipelineDetail[] = [];
  for (const id of ids) {
    for (;;) {
      const res = await fetch(`${base}/api/pipelines/${encodeURIComponent(id)}`, { headers });
      if (!res.ok) throw new CliFailure(`${base} lost pipeline ${id} (${res.status})`, 1);
      const detail = (await res.json()) as PipelineDetail & { live?: boolean };
      view.update(detail);
      if (detail.endedAt !== null) {
        details.push(detail);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  view.finish();
  if (options.json) process.stdout.write(`${JSON.stringify(details.length === 1 ? details[0] : details, null, 2)}\n`);
  for (const detail of details) {
    const invalid = invalidGenerateReason(detail);
    if (invalid) throw new CliFailure(`${detail.id}: the generate step's output is not a valid pipeline: ${invalid.replace(/^invalid pipeline: /, "")}`);
  }
  for (const detail of details) process.stderr.write(`baton: ${base}/pipelines/${detail.id}\n`);
  return exitStatusOf(details);
}
