import type { LaunchResult } from "../../../../shared/api/api-contract";
import type { PipelineSummary } from "../../../../shared/api/pipeline-views";
import { apiFetch, apiUrl } from "../../../lib/api";
import type { PipelineFilters } from "../../../lib/api";

export const LIST_LIMIT = 100;

export async function fetchPipelines(filters: PipelineFilters, signal?: AbortSignal): Promise<PipelineSummary[]> {
  const body = await apiFetch<{ pipelines: PipelineSummary[] }>(
    apiUrl("/api/pipelines", { repo: filters.repo, branch: filters.branch, state: filters.state, limit: LIST_LIMIT }),
    { signal },
  );
  return body.pipelines;
}

/** Launches the bundled examples/hello pipeline (the empty state's button). */
export function runHelloExample(): Promise<LaunchResult> {
  return apiFetch<LaunchResult>("/api/examples/hello", { method: "POST", body: {} });
}
