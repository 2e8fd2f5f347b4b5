import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import type { LaunchResult } from "../../../../shared/api/api-contract";
import { queries } from "../../../lib/api";
import { runHelloExample } from "../api/pipelines-list-api";

/** Runs examples/hello and opens the pipeline it launched. */
export function useRunHelloExample() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useMutation<LaunchResult, Error, void>({
    mutationFn: runHelloExample,
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queries.pipelines.lists() });
      const first = result.pipelines[0];
      if (first) void navigate(`/pipelines/${encodeURIComponent(first.id)}`);
    },
  });
}
