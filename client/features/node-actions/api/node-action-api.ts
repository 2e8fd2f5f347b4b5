import type { ActionResult, NodeAction } from "../../../../shared/api/node-actions";
import { apiFetch } from "../../../lib/api";

export function postNodeAction(pipelineId: string, action: NodeAction): Promise<ActionResult> {
  return apiFetch<ActionResult>(`/api/pipelines/${encodeURIComponent(pipelineId)}/actions`, { method: "POST", body: action });
}
