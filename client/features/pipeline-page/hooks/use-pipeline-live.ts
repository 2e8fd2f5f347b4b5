import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { PipelineSummary } from "../../../../shared/api/pipeline-views";
import type { NodeDeltaBatch } from "../../../../shared/api/socket-events";
import { queries } from "../../../lib/api";
import { applyNodeBatch, applySummary, recentBatches } from "../../../lib/pipeline";
import type { PipelineModel } from "../../../lib/pipeline";
import { useSocket } from "../../../lib/socket";

/**
 * Keeps a pipeline's cached model live: subscribes on every connect, applies `pipeline:nodes`
 * batches to the cache (only changed nodes get new objects), and refetches when a batch says the
 * model is out of date (a gap in seq, a new structure) or after a reconnect (events may have been
 * missed). A refetch already in flight is not restarted, so a burst of gaps costs one request.
 *
 * Batches are applied at most every APPLY_INTERVAL_MS (the first at once): under a storm of
 * changes the page then redraws a few times a second instead of at every socket message, which is
 * what keeps each main-thread task short on a 2,000-node graph. 400 ms: a frame that shows any
 * change pays a paint of the whole graph, so fewer frames mean fewer long tasks; on a slow day
 * the longest task was 77–113 ms in three runs at 400 ms, 65–258 ms at 250 ms, 105–269 ms at
 * 150 ms and 209–263 ms at 60 ms.
 */
export const APPLY_INTERVAL_MS = 400;

export function usePipelineLive(id: string): void {
  const socket = useSocket();
  const queryClient = useQueryClient();

  useEffect(() => {
    const key = queries.pipelines.detail(id);
    const refetch = () => void queryClient.invalidateQueries({ queryKey: key, exact: true }, { cancelRefetch: false });

    let pending: NodeDeltaBatch[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastApplied = 0;
    const applyPending = () => {
      timer = null;
      lastApplied = performance.now();
      const batches = pending;
      pending = [];
      const model = queryClient.getQueryData<PipelineModel>(key);
      // Without a model yet the first fetch is in flight; it replays these batches from the buffer.
      if (!model) return;
      let next = model;
      let needsRefetch = false;
      for (const batch of batches) {
        const result = applyNodeBatch(next, batch);
        next = result.model;
        needsRefetch ||= result.needsRefetch;
      }
      if (next !== model) queryClient.setQueryData<PipelineModel>(key, next);
      if (needsRefetch) refetch();
    };
    const onNodes = (batch: NodeDeltaBatch) => {
      if (batch.pipelineId !== id) return;
      recentBatches.add(batch);
      pending.push(batch);
      if (timer !== null) return;
      const wait = Math.max(0, lastApplied + APPLY_INTERVAL_MS - performance.now());
      timer = setTimeout(applyPending, wait);
    };
    const onSummary = (summary: PipelineSummary) => {
      if (summary.id !== id) return;
      const model = queryClient.getQueryData<PipelineModel>(key);
      if (model) queryClient.setQueryData<PipelineModel>(key, applySummary(model, summary));
    };

    let missedEvents = false;
    const onConnect = () => {
      socket.emit("pipeline:subscribe", id);
      if (missedEvents) {
        missedEvents = false;
        refetch();
      }
    };
    const onDisconnect = () => {
      missedEvents = true;
    };

    socket.on("pipeline:nodes", onNodes);
    socket.on("pipelines:changed", onSummary);
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    if (socket.connected) socket.emit("pipeline:subscribe", id);
    return () => {
      socket.off("pipeline:nodes", onNodes);
      socket.off("pipelines:changed", onSummary);
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      if (socket.connected) socket.emit("pipeline:unsubscribe", id);
      if (timer !== null) clearTimeout(timer);
      recentBatches.clear(id);
    };
  }, [id, socket, queryClient]);
}
