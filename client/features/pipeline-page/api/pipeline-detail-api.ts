import type { PipelineDetail } from "../../../../shared/api/pipeline-views";
import { apiFetch } from "../../../lib/api";

export function fetchPipelineDetail(id: string, signal?: AbortSignal): Promise<PipelineDetail> {
  return apiFetch<PipelineDetail>(`/api/pipelines/${encodeURIComponent(id)}`, { signal });
}
