import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TokenCreate, TokenCreated } from "../../../../shared/api/api-contract";
import { queries } from "../../../lib/api";
import { createToken, fetchTokens, revokeToken } from "../api/tokens-api";

export function useTokens() {
  return useQuery({ queryKey: queries.tokens.list(), queryFn: ({ signal }) => fetchTokens(signal) });
}

/** The created token's clear text stays in the mutation's result (shown once), never in the query cache. */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation<TokenCreated, Error, TokenCreate>({
    mutationFn: createToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queries.tokens.list() }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation<void, Error, number>({
    mutationFn: revokeToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queries.tokens.list() }),
  });
}
