import type { UserCreate, UserUpdate, UserView } from "../../../../shared/api/api-contract";
import { apiFetch } from "../../../lib/api";

const base = (id: number) => `/api/users/${encodeURIComponent(String(id))}`;

export async function fetchUsers(signal?: AbortSignal): Promise<UserView[]> {
  const body = await apiFetch<{ users: UserView[] }>("/api/users", { signal });
  return body.users;
}

export function createUser(input: UserCreate): Promise<UserView> {
  return apiFetch<UserView>("/api/users", { method: "POST", body: input });
}

/** A new password ends every session of that user. */
export function updateUser(id: number, patch: UserUpdate): Promise<UserView> {
  return apiFetch<UserView>(base(id), { method: "PATCH", body: patch });
}

export function deleteUser(id: number): Promise<void> {
  return apiFetch<void>(base(id), { method: "DELETE" });
}
