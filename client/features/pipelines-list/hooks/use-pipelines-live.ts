import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { PipelineSummary } from "../../../../shared/api/pipeline-views";
import { queries } from "../../../lib/api";
import type { PipelineFilters } from "../../../lib/api";
import { useSocket } from "../../../lib/socket";
import { LIST_LIMIT } from "../api/pipelines-list-api";
import { applySummaryToList } from "../utils/apply-summary";

/** Applies `pipelines:changed` to every cached list; refetches the lists after a reconnect. */
export function usePipelinesLive(): void {
  const socket = useSocket();
  const queryClient = useQueryClient();
  useEffect(() => {
    const onChanged = (summary: PipelineSummary) => {
      for (const [key, list] of queryClient.getQueriesData<PipelineSummary[]>({ queryKey: queries.pipelines.lists() })) {
        if (!list) continue;
        const filters = (key[2] ?? {}) as PipelineFilters;
        const next = applySummaryToList(list, summary, filters, LIST_LIMIT);
        if (next !== list) queryClient.setQueryData(key, next);
      }
    };
    let missedEvents = false;
    const onConnect = () => {
      if (!missedEvents) return;
      missedEvents = false;
      void queryClient.invalidateQueries({ queryKey: queries.pipelines.lists() });
    };
    const onDisconnect = () => {
      missedEvents = true;
    };
    socket.on("pipelines:changed", onChanged);
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    return () => {
      socket.off("pipelines:changed", onChanged);
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
    };
  }, [socket, queryClient]);
}
