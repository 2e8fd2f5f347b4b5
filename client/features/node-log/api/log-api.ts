import type { LogPage } from "../../../../shared/api/pipeline-views";
import { apiFetch, apiUrl } from "../../../lib/api";

export interface LogTarget {
  pipelineId: string;
  path: string;
  attempt: number;
}

export function fetchLogPage(target: LogTarget, from: number, limit: number, signal?: AbortSignal): Promise<LogPage> {
  return apiFetch<LogPage>(
    apiUrl(`/api/pipelines/${encodeURIComponent(target.pipelineId)}/logs`, { path: target.path, attempt: target.attempt, from, limit }),
    { signal },
  );
}

export function logDownloadUrl(target: LogTarget): string {
  return apiUrl(`/api/pipelines/${encodeURIComponent(target.pipelineId)}/logs/download`, { path: target.path, attempt: target.attempt });
}
