import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TestDeliveryRequest, TestDeliveryResult, WebhookAnswer } from "../../../../shared/api/repositories";
import { queries } from "../../../lib/api";
import { fetchDeliveries, redeliver } from "../api/deliveries-api";
import { sendTestDelivery } from "../api/repositories-api";

/** How often a repository page asks for its deliveries: they are processed in the background. */
export const DELIVERIES_REFRESH_MS = 2_500;
export const RECENT_DELIVERIES = 50;

/** A repository's recent deliveries, newest first, refetched every few seconds while shown. */
export function useRepositoryDeliveries(repositoryId: number) {
  const filters = { repository: String(repositoryId), limit: RECENT_DELIVERIES };
  return useQuery({
    queryKey: queries.deliveries.list(filters),
    queryFn: ({ signal }) => fetchDeliveries(filters, signal),
    placeholderData: keepPreviousData,
    refetchInterval: DELIVERIES_REFRESH_MS,
  });
}

/** The newest delivery of a repository (the repositories table's last column). */
export function useLastDelivery(repositoryId: number) {
  const filters = { repository: String(repositoryId), limit: 1 };
  return useQuery({
    queryKey: queries.deliveries.list(filters),
    queryFn: async ({ signal }) => (await fetchDeliveries(filters, signal))[0] ?? null,
    refetchInterval: 15_000,
  });
}

export function useRedeliver() {
  const queryClient = useQueryClient();
  return useMutation<WebhookAnswer, Error, number>({
    mutationFn: redeliver,
    onSettled: () => queryClient.invalidateQueries({ queryKey: queries.deliveries.lists() }),
  });
}

/** A signed delivery sent to this server's own webhook endpoint: the whole path, end to end. */
export function useTestDelivery(repositoryId: number) {
  const queryClient = useQueryClient();
  return useMutation<TestDeliveryResult, Error, TestDeliveryRequest>({
    mutationFn: (request) => sendTestDelivery(repositoryId, request),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queries.deliveries.lists() }),
        // The test fetched the mirror.
        queryClient.invalidateQueries({ queryKey: queries.repositories.detail(repositoryId) }),
      ]),
  });
}
