import type { NodeState } from "../../../shared/pipeline/node-state";

/** Filters of the pipelines list, as in the page's query string. */
export interface PipelineFilters {
  repo?: string;
  branch?: string;
  state?: NodeState;
}

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
} as const;
