import { useEffect, useState } from "react";
import { NODE_STATES } from "../../../../shared/pipeline/node-state";
import type { PipelineFilters } from "../../../lib/api";

export interface PipelinesFiltersProps {
  filters: PipelineFilters;
  onChange: (filters: PipelineFilters) => void;
}

const inputClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500";

/** Repo and branch (applied after a pause in typing) and state. */
export function PipelinesFilters({ filters, onChange }: PipelinesFiltersProps) {
  const [repo, setRepo] = useState(filters.repo ?? "");
  const [branch, setBranch] = useState(filters.branch ?? "");

  useEffect(() => {
    const timer = setTimeout(() => {
      const nextRepo = repo.trim() || undefined;
      const nextBranch = branch.trim() || undefined;
      if (nextRepo !== filters.repo || nextBranch !== filters.branch) onChange({ ...filters, repo: nextRepo, branch: nextBranch });
    }, 300);
    return () => clearTimeout(timer);
  }, [repo, branch, filters, onChange]);

  return (
    <form className="flex flex-wrap items-end gap-2" role="search" aria-label="Filter pipelines" onSubmit={(event) => event.preventDefault()}>
      <label className="flex flex-col gap-0.5 text-xs text-slate-600">
        Repository
        <input name="repo" aria-label="Repository" placeholder="any" value={repo} onChange={(event) => setRepo(event.target.value)} className={inputClass} />
      </label>
      <label className="flex flex-col gap-0.5 text-xs text-slate-600">
        Branch
        <input name="branch" aria-label="Branch" placeholder="any" value={branch} onChange={(event) => setBranch(event.target.value)} className={inputClass} />
      </label>
      <label className="flex flex-col gap-0.5 text-xs text-slate-600">
        State
        <select
          name="state"
          aria-label="State"
          value={filters.state ?? ""}
          onChange={(event) => onChange({ ...filters, state: (event.target.value || undefined) as PipelineFilters["state"] })}
          className={inputClass}
        >
          <option value="">any</option>
          {NODE_STATES.map((state) => (
            <option key={state} value={state}>
              {state.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
