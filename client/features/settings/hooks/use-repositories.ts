import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { RepositoryView } from "../../../../shared/api/repositories";
import { queries } from "../../../lib/api";
import { fetchRepositories, fetchRepository } from "../api/repositories-api";

export function useRepositories() {
  return useQuery({
    queryKey: queries.repositories.list(),
    queryFn: ({ signal }) => fetchRepositories(signal),
    // The mirror's status changes as deliveries are fetched.
    refetchInterval: 30_000,
  });
}

/** One repository, shown at once from the list when it is cached. */
export function useRepository(id: number) {
  const queryClient = useQueryClient();
  return useQuery<RepositoryView>({
    queryKey: queries.repositories.detail(id),
    queryFn: ({ signal }) => fetchRepository(id, signal),
    enabled: Number.isSafeInteger(id) && id > 0,
    placeholderData: () => queryClient.getQueryData<RepositoryView[]>(queries.repositories.list())?.find((repository) => repository.id === id),
    refetchInterval: 15_000,
  });
}
