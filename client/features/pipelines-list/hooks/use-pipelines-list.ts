import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { queries } from "../../../lib/api";
import type { PipelineFilters } from "../../../lib/api";
import { fetchPipelines } from "../api/pipelines-list-api";

export function usePipelinesList(filters: PipelineFilters) {
  return useQuery({
    queryKey: queries.pipelines.list(filters),
    queryFn: ({ signal }) => fetchPipelines(filters, signal),
    placeholderData: keepPreviousData,
    // The socket keeps the list live; this is the safety net.
    refetchInterval: 30_000,
  });
}
