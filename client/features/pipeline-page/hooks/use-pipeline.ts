import { useQuery, useQueryClient } from "@tanstack/react-query";
import { isTerminal } from "../../../../shared/pipeline/node-state";
import { queries } from "../../../lib/api";
import { createPipelineModel, recentBatches, replayBatches, rootState } from "../../../lib/pipeline";
import type { PipelineModel } from "../../../lib/pipeline";
import { fetchPipelineDetail } from "../api/pipeline-detail-api";

/** The safety net behind the socket: a slow refetch while the pipeline can still change. */
export const SLOW_REFETCH_MS = 10_000;

/**
 * A pipeline's detail as a `PipelineModel`. Each fetch replays the socket batches that arrived
 * after the snapshot's seq, and reuses the previous structure when the tree is unchanged so the
 * graph keeps its layout.
 */
export function usePipeline(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queries.pipelines.detail(id),
    queryFn: async ({ signal }): Promise<PipelineModel> => {
      const detail = await fetchPipelineDetail(id, signal);
      const previous = queryClient.getQueryData<PipelineModel>(queries.pipelines.detail(id));
      const model = createPipelineModel(detail, previous?.detail.id === id ? previous : undefined);
      const newer = recentBatches.since(id, detail.seq);
      // A tree change announced after this snapshot was taken is not in it: fetch once more.
      if (newer.some((batch) => batch.structureChanged)) {
        setTimeout(() => void queryClient.invalidateQueries({ queryKey: queries.pipelines.detail(id), exact: true }, { cancelRefetch: false }), 250);
      }
      return replayBatches(model, newer);
    },
    // The model holds Maps and a 2,000-node tree: deep-comparing it on every fetch buys nothing.
    structuralSharing: false,
    refetchInterval: (query) => {
      const model = query.state.data;
      return model && isTerminal(rootState(model)) ? false : SLOW_REFETCH_MS;
    },
    refetchOnWindowFocus: false,
  });
}
