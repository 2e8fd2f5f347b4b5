import type { PipelineSummary } from "../../../../shared/api/pipeline-views";
import type { PipelineFilters } from "../../../lib/api";

export function matchesFilters(summary: PipelineSummary, filters: PipelineFilters): boolean {
  if (filters.repo && summary.repo !== filters.repo) return false;
  if (filters.branch && summary.branch !== filters.branch) return false;
  if (filters.state && summary.state !== filters.state) return false;
  return true;
}

/**
 * A cached list after one `pipelines:changed` summary: the pipeline is replaced in place, added
 * in creation order if new and matching, or dropped when it no longer matches the list's filters.
 * Applying the same summary twice gives the same list.
 */
export function applySummaryToList(
  list: readonly PipelineSummary[],
  summary: PipelineSummary,
  filters: PipelineFilters,
  limit: number,
): PipelineSummary[] {
  const index = list.findIndex((item) => item.id === summary.id);
  const matches = matchesFilters(summary, filters);
  if (index !== -1) {
    if (!matches) return list.filter((item) => item.id !== summary.id);
    const next = list.slice();
    next[index] = summary;
    return next;
  }
  if (!matches) return list as PipelineSummary[];
  const next = list.slice();
  let at = next.findIndex((item) => item.createdAt < summary.createdAt);
  if (at === -1) at = next.length;
  next.splice(at, 0, summary);
  return next.slice(0, limit);
}

/** Filters read from the page's query string; an unknown state is ignored. */
export function filtersFromSearch(search: URLSearchParams, states: readonly string[]): PipelineFilters {
  const filters: PipelineFilters = {};
  const repo = search.get("repo")?.trim();
  const branch = search.get("branch")?.trim();
  const state = search.get("state");
  if (repo) filters.repo = repo;
  if (branch) filters.branch = branch;
  if (state && states.includes(state)) filters.state = state as PipelineFilters["state"];
  return filters;
}
