import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RepositoryCreate, RepositoryUpdate, RepositoryView, RepositoryWithSecret } from "../../../../shared/api/repositories";
import { queries } from "../../../lib/api";
import { createRepository, deleteRepository, rotateSecret, updateRepository } from "../api/repositories-api";
import { withoutSecret } from "../utils/repository-form";

/**
 * Creation and rotation answer with the webhook secret: it stays in the mutation's result (the
 * component showing it once) and never enters the query cache.
 */
export function useCreateRepository() {
  const queryClient = useQueryClient();
  return useMutation<RepositoryWithSecret, Error, RepositoryCreate>({
    mutationFn: createRepository,
    onSuccess: (created) => {
      queryClient.setQueryData(queries.repositories.detail(created.id), withoutSecret(created));
      return queryClient.invalidateQueries({ queryKey: queries.repositories.list() });
    },
  });
}

export function useUpdateRepository(id: number) {
  const queryClient = useQueryClient();
  return useMutation<RepositoryView, Error, RepositoryUpdate>({
    mutationFn: (patch) => updateRepository(id, patch),
    onSuccess: (updated) => {
      queryClient.setQueryData(queries.repositories.detail(id), updated);
      return queryClient.invalidateQueries({ queryKey: queries.repositories.list() });
    },
  });
}

export function useRotateSecret(id: number) {
  const queryClient = useQueryClient();
  return useMutation<RepositoryWithSecret, Error, void>({
    mutationFn: () => rotateSecret(id),
    onSuccess: (rotated) => {
      queryClient.setQueryData(queries.repositories.detail(id), withoutSecret(rotated));
      return queryClient.invalidateQueries({ queryKey: queries.repositories.list() });
    },
  });
}

export function useDeleteRepository(id: number) {
  const queryClient = useQueryClient();
  return useMutation<void, Error, void>({
    mutationFn: () => deleteRepository(id),
    // Not awaited: the page navigates away at once, before its query learns it is gone.
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queries.repositories.detail(id), exact: true });
      void queryClient.invalidateQueries({ queryKey: queries.repositories.list() });
      void queryClient.invalidateQueries({ queryKey: queries.deliveries.lists() });
    },
  });
}
