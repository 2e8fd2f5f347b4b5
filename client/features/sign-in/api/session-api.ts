import type { SessionInfo } from "../../../../shared/api/api-contract";
import { apiFetch } from "../../../lib/api";

export function fetchSession(signal?: AbortSignal): Promise<SessionInfo> {
  return apiFetch<SessionInfo>("/api/session", { signal });
}

export function createSession(token: string): Promise<unknown> {
  return apiFetch<unknown>("/api/session", { method: "POST", body: { token } });
}

export function deleteSession(): Promise<unknown> {
  return apiFetch<unknown>("/api/session", { method: "DELETE" });
}
