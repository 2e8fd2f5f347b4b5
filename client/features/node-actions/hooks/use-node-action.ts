import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ActionResult, NodeAction } from "../../../../shared/api/node-actions";
import { queries } from "../../../lib/api";
import { postNodeAction } from "../api/node-action-api";

/**
 * Every node control goes through this one mutation over the NodeAction union. Its effect arrives
 * live over the socket; the detail is refetched as well, for the attempts the deltas do not carry.
 */
export function useNodeAction(pipelineId: string) {
  const queryClient = useQueryClient();
  return useMutation<ActionResult, Error, NodeAction>({
    mutationKey: ["pipelines", "action", pipelineId],
    mutationFn: (action) => postNodeAction(pipelineId, action),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queries.pipelines.detail(pipelineId), exact: true }, { cancelRefetch: false }),
  });
}
