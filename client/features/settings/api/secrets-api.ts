import type { SecretList, SecretSet, SecretView } from "../../../../shared/api/secrets";
import { apiFetch } from "../../../lib/api";

/** Where a scope's secrets live: the global ones, or one repository's. */
export type SecretScopeId = number | "global";

function base(scope: SecretScopeId): string {
  return scope === "global" ? "/api/secrets" : `/api/repositories/${encodeURIComponent(String(scope))}/secrets`;
}

/** Names, scopes and times; the API never sends a value. */
export async function fetchSecrets(scope: SecretScopeId, signal?: AbortSignal): Promise<SecretView[]> {
  const body = await apiFetch<SecretList>(base(scope), { signal });
  return body.secrets;
}

export function setSecret(scope: SecretScopeId, name: string, input: SecretSet): Promise<SecretView> {
  return apiFetch<SecretView>(`${base(scope)}/${encodeURIComponent(name)}`, { method: "PUT", body: input });
}

export function deleteSecret(scope: SecretScopeId, name: string): Promise<void> {
  return apiFetch<void>(`${base(scope)}/${encodeURIComponent(name)}`, { method: "DELETE" });
}
