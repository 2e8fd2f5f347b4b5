import type { PasswordChange, SessionInfo, SignInRequest } from "../../../../shared/api/api-contract";
import { apiFetch } from "../../../lib/api";

export function fetchSession(signal?: AbortSignal): Promise<SessionInfo> {
  return apiFetch<SessionInfo>("/api/session", { signal });
}

export function createSession(request: SignInRequest): Promise<SessionInfo> {
  return apiFetch<SessionInfo>("/api/session", { method: "POST", body: request });
}

export function deleteSession(): Promise<unknown> {
  return apiFetch<unknown>("/api/session", { method: "DELETE" });
}

/** Every other session of the user ends; the answer sets this browser's new cookie. */
export function changePassword(change: PasswordChange): Promise<unknown> {
  return apiFetch<unknown>("/api/session/password", { method: "PUT", body: change });
}
