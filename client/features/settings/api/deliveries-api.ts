import type { DeliveryResult, DeliveryView, WebhookAnswer } from "../../../../shared/api/repositories";
import { apiFetch, apiUrl } from "../../../lib/api";

export interface DeliveryListFilters {
  /** A repository id or `owner/repo`. */
  repository?: string;
  result?: DeliveryResult;
  limit?: number;
}

/** Newest first. */
export async function fetchDeliveries(filters: DeliveryListFilters, signal?: AbortSignal): Promise<DeliveryView[]> {
  const body = await apiFetch<{ deliveries: DeliveryView[] }>(
    apiUrl("/api/deliveries", { repository: filters.repository, result: filters.result, limit: filters.limit }),
    { signal },
  );
  return body.deliveries;
}

/** Processes a kept delivery again, as a new delivery. */
export function redeliver(id: number): Promise<WebhookAnswer> {
  return apiFetch<WebhookAnswer>(`/api/deliveries/${encodeURIComponent(String(id))}/redeliver`, { method: "POST", body: {} });
}
