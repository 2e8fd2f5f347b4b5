import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { SecretSet, SecretView } from "../../../../shared/api/secrets";
import { queries } from "../../../lib/api";
import { deleteSecret, fetchSecrets, setSecret, type SecretScopeId } from "../api/secrets-api";

export function useSecrets(scope: SecretScopeId) {
  return useQuery({
    queryKey: queries.secrets.list(scope),
    queryFn: ({ signal }) => fetchSecrets(scope, signal),
  });
}

/** Sets a value; the value lives only in the form and the request, never in the query cache. */
export function useSetSecret(scope: SecretScopeId) {
  const queryClient = useQueryClient();
  return useMutation<SecretView, Error, { name: string } & SecretSet>({
    mutationFn: ({ name, value }) => setSecret(scope, name, { value }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queries.secrets.list(scope) }),
  });
}

export function useDeleteSecret(scope: SecretScopeId) {
  const queryClient = useQueryClient();
  return useMutation<void, Error, string>({
    mutationFn: (name) => deleteSecret(scope, name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queries.secrets.list(scope) }),
  });
}
