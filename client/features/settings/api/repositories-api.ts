import type {
  RepositoryCreate,
  RepositoryUpdate,
  RepositoryView,
  RepositoryWithSecret,
  TestDeliveryRequest,
  TestDeliveryResult,
} from "../../../../shared/api/repositories";
import { apiFetch } from "../../../lib/api";
import type { ApiRequestInit } from "../../../lib/api";

const base = (id: number) => `/api/repositories/${encodeURIComponent(String(id))}`;

export async function fetchRepositories(signal?: AbortSignal): Promise<RepositoryView[]> {
  const body = await apiFetch<{ repositories: RepositoryView[] }>("/api/repositories", { signal });
  return body.repositories;
}

export function fetchRepository(id: number, signal?: AbortSignal): Promise<RepositoryView> {
  return apiFetch<RepositoryView>(base(id), { signal });
}

/** The answer carries the webhook secret: the only time, with rotation, that it is ever sent. */
export function createRepository(input: RepositoryCreate): Promise<RepositoryWithSecret> {
  return apiFetch<RepositoryWithSecret>("/api/repositories", { method: "POST", body: input });
}

/**
 * The route is PATCH; ApiRequestInit's method union does not list it yet, though apiFetch
 * passes any method through to fetch unchanged.
 */
const PATCH = "PATCH" as unknown as ApiRequestInit["method"];

export function updateRepository(id: number, patch: RepositoryUpdate): Promise<RepositoryView> {
  return apiFetch<RepositoryView>(base(id), { method: PATCH, body: patch });
}

export function deleteRepository(id: number): Promise<void> {
  return apiFetch<void>(base(id), { method: "DELETE" });
}

export function rotateSecret(id: number): Promise<RepositoryWithSecret> {
  return apiFetch<RepositoryWithSecret>(`${base(id)}/rotate-secret`, { method: "POST", body: {} });
}

export function sendTestDelivery(id: number, request: TestDeliveryRequest): Promise<TestDeliveryResult> {
  return apiFetch<TestDeliveryResult>(`${base(id)}/test-delivery`, { method: "POST", body: request });
}
