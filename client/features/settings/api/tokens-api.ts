import type { TokenCreate, TokenCreated, TokenView } from "../../../../shared/api/api-contract";
import { apiFetch } from "../../../lib/api";

export async function fetchTokens(signal?: AbortSignal): Promise<TokenView[]> {
  const body = await apiFetch<{ tokens: TokenView[] }>("/api/tokens", { signal });
  return body.tokens;
}

/** The answer carries the token itself: the only time it is ever sent. */
export function createToken(input: TokenCreate): Promise<TokenCreated> {
  return apiFetch<TokenCreated>("/api/tokens", { method: "POST", body: input });
}

export function revokeToken(id: number): Promise<void> {
  return apiFetch<void>(`/api/tokens/${encodeURIComponent(String(id))}`, { method: "DELETE" });
}
