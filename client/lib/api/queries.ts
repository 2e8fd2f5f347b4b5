import type { DeliveriesQuery } from "../../../shared/api/repositories";
import type { NodeState } from "../../../shared/pipeline/node-state";

/** Filters of the pipelines list, as in the page's query string. */
export interface PipelineFilters {
  repo?: string;
  branch?: string;
  state?: NodeState;
}

/** Which deliveries a list shows (GET /api/deliveries without paging). */
type DeliveryFilters = Partial<Pick<DeliveriesQuery, "repository" | "result" | "limit">>;

/** The one query-key factory: every cache entry of the app is named here. */
export const queries = {
  session: () => ["session"] as const,
  pipelines: {
    all: () => ["pipelines"] as const,
    lists: () => ["pipelines", "list"] as const,
    list: (filters: PipelineFilters) => ["pipelines", "list", filters] as const,
    details: () => ["pipelines", "detail"] as const,
    detail: (id: string) => ["pipelines", "detail", id] as const,
  },
  repositories: {
    all: () => ["repositories"] as const,
    list: () => ["repositories", "list"] as const,
    details: () => ["repositories", "detail"] as const,
    detail: (id: number) => ["repositories", "detail", id] as const,
  },
  users: {
    list: () => ["users", "list"] as const,
  },
  tokens: {
    list: () => ["tokens", "list"] as const,
  },
  secrets: {
    /** A scope's secrets: "global", or a repository's id. */
    list: (scope: number | "global") => ["secrets", "list", scope] as const,
  },
  deliveries: {
    all: () => ["deliveries"] as const,
    lists: () => ["deliveries", "list"] as const,
    list: (filters: DeliveryFilters) => ["deliveries", "list", filters] as const,
  },
} as const;
