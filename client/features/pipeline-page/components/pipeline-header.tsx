import { memo } from "react";
import type { PipelineDetail } from "../../../../shared/api/pipeline-views";
import type { NodeState } from "../../../../shared/pipeline/node-state";
import { NODE_STATES, canKill, isActive } from "../../../../shared/pipeline/node-state";
import { Button, STATE_STYLES, StateBadge } from "../../../components/ui";
import { formatElapsed, formatTime } from "../../../lib/format";
import { useNow } from "../../../lib/hooks";
import type { LiveCounts } from "../../../lib/pipeline";

export interface PipelineHeaderProps {
  detail: PipelineDetail;
  state: NodeState;
  counts: LiveCounts;
  hasErrors: boolean;
  onNextError: () => void;
  onRerunFailed: () => void;
  onKillAll: () => void;
  /** Whether the user's role may act on the pipeline; without it only "Next error" is shown. */
  canOperate: boolean;
}

/** Repo, branch, event and state of the pipeline, its node counts and its pipeline-wide controls. */
export const PipelineHeader = memo(function PipelineHeader({ detail, state, counts, hasErrors, onNextError, onRerunFailed, onKillAll, canOperate }: PipelineHeaderProps) {
  const now = useNow(1000, isActive(state));
  const shownStates = NODE_STATES.filter((s) => counts[s] > 0);
  return (
    <header className="flex shrink-0 flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-4 py-2" data-testid="pipeline-header">
      <div className="min-w-0">
        <h1 className="flex items-center gap-2 text-sm font-semibold text-slate-900">
          <span className="truncate" data-testid="pipeline-repo">
            {detail.repo ?? "local pipeline"}
          </span>
          {detail.branch && (
            <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs font-normal text-slate-700" data-testid="pipeline-branch">
              {detail.branch}
            </span>
          )}
          {detail.event && (
            <span className="text-xs font-normal text-slate-500" data-testid="pipeline-event">
              {detail.event}
              {detail.section && detail.section !== detail.event ? ` · ${detail.section}` : ""}
            </span>
          )}
          <span data-testid="pipeline-state" data-state={state}>
            <StateBadge state={state} />
          </span>
        </h1>
        <p className="mt-0.5 text-xs text-slate-500">
          {detail.sha && <span className="font-mono">{detail.sha.slice(0, 10)} · </span>}
          {detail.trigger}
          {detail.secrets === "withheld" && (
            <span className="ml-1 rounded bg-amber-50 px-1 text-amber-800" title="A pull request from a fork: its nodes got no secrets" data-testid="secrets-withheld">
              secrets withheld
            </span>
          )}{" "}
          · started {formatTime(detail.startedAt ?? detail.createdAt, now)} · {formatElapsed(detail.startedAt, isActive(state) ? null : detail.endedAt, now)}
        </p>
      </div>

      <ul className="flex flex-wrap items-center gap-2 text-xs" aria-label="Exec nodes per state" data-testid="state-counts">
        {shownStates.map((s) => (
          <li key={s} data-state={s} data-count={counts[s]} className="inline-flex items-center gap-1 text-slate-700">
            <span className={`h-2 w-2 rounded-full ${STATE_STYLES[s].dot}`} aria-hidden="true" />
            {counts[s]} {STATE_STYLES[s].label}
          </li>
        ))}
        {counts.skipped > 0 && (
          <li data-state="skipped" data-count={counts.skipped} className="inline-flex items-center gap-1 text-slate-500">
            <span className="h-2 w-2 rounded-full border border-dashed border-slate-400" aria-hidden="true" />
            {counts.skipped} skipped
          </li>
        )}
      </ul>

      <div className="ml-auto flex gap-1.5">
        <Button onClick={onNextError} disabled={!hasErrors} title="Select the next failed node (e)">
          Next error
        </Button>
        {canOperate && (
          <>
            <Button onClick={onRerunFailed} disabled={!hasErrors}>
              Rerun failed
            </Button>
            <Button variant="danger" onClick={onKillAll} disabled={!canKill(state)}>
              Kill all
            </Button>
          </>
        )}
      </div>
    </header>
  );
});
