import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { NODE_STATES } from "../../../../shared/pipeline/node-state";
import { Button, ErrorAlert, Spinner } from "../../../components/ui";
import { useCan } from "../../sign-in";
import type { PipelineFilters } from "../../../lib/api";
import { usePipelinesList } from "../hooks/use-pipelines-list";
import { usePipelinesLive } from "../hooks/use-pipelines-live";
import { useRunHelloExample } from "../hooks/use-run-hello-example";
import { filtersFromSearch } from "../utils/apply-summary";
import { PipelinesFilters } from "./pipelines-filters";
import { PipelinesTable } from "./pipelines-table";

function EmptyPipelines() {
  const run = useRunHelloExample();
  const canLaunch = useCan("operate");
  const skipped = run.data && run.data.pipelines.length === 0 ? (run.data.skipped ?? "Nothing was launched.") : null;
  return (
    <div className="mx-auto max-w-md space-y-3 py-16 text-center" data-testid="pipelines-empty">
      <h2 className="text-base font-semibold text-slate-900">No pipelines yet</h2>
      <p className="text-sm text-slate-600">
        Pipelines appear here when a push or pull request arrives, or when someone runs <code className="rounded bg-slate-100 px-1">baton … --server</code>. Try
        the bundled example to see one run.
      </p>
      {canLaunch && (
        <Button variant="primary" onClick={() => run.mutate()} disabled={run.isPending}>
          {run.isPending ? "Starting…" : "Run the hello example"}
        </Button>
      )}
      <ErrorAlert error={run.error ?? (skipped ? new Error(skipped) : null)} />
    </div>
  );
}

export function PipelinesListPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const searchKey = searchParams.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const filters = useMemo(() => filtersFromSearch(searchParams, NODE_STATES), [searchKey]);
  const list = usePipelinesList(filters);
  usePipelinesLive();

  const setFilters = useCallback(
    (next: PipelineFilters) => {
      const params = new URLSearchParams();
      if (next.repo) params.set("repo", next.repo);
      if (next.branch) params.set("branch", next.branch);
      if (next.state) params.set("state", next.state);
      setSearchParams(params, { replace: true });
    },
    [setSearchParams],
  );

  const filtered = Boolean(filters.repo || filters.branch || filters.state);
  return (
    <main className="h-full overflow-auto" data-testid="pipelines-page">
      <div className="mx-auto max-w-6xl space-y-3 p-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h1 className="text-lg font-semibold text-slate-900">Pipelines</h1>
          <PipelinesFilters filters={filters} onChange={setFilters} />
        </div>
        {list.isPending ? (
          <Spinner />
        ) : list.isError ? (
          <ErrorAlert error={list.error} />
        ) : list.data.length === 0 ? (
          filtered ? (
            <p className="py-10 text-center text-sm text-slate-500" data-testid="pipelines-none-match">
              No pipelines match these filters.
            </p>
          ) : (
            <EmptyPipelines />
          )
        ) : (
          <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
            <PipelinesTable pipelines={list.data} />
          </div>
        )}
      </div>
    </main>
  );
}
