import type { AttemptView } from "../../../../shared/api/pipeline-views";
import type { NodeState } from "../../../../shared/pipeline/node-state";
import { isActive } from "../../../../shared/pipeline/node-state";
import { StateBadge } from "../../../components/ui";
import { formatElapsed, formatTime } from "../../../lib/format";
import { useNow } from "../../../lib/hooks";

export interface AttemptsTimelineProps {
  attempts: readonly AttemptView[];
  /** Attempts the live state knows of (may be ahead of the fetched list). */
  liveCount: number;
  /** The live state of the latest attempt. */
  liveState: NodeState;
  selected: number | null;
  onSelect: (n: number) => void;
}

/** Every attempt of the node, newest first; selecting one shows its log. */
export function AttemptsTimeline({ attempts, liveCount, liveState, selected, onSelect }: AttemptsTimelineProps) {
  const running = isActive(liveState);
  const now = useNow(1000, running);
  const rows: Array<{ n: number; attempt: AttemptView | null }> = [];
  const count = Math.max(liveCount, attempts.length);
  for (let n = count; n >= 1; n--) rows.push({ n, attempt: attempts.find((a) => a.n === n) ?? null });
  if (rows.length === 0) return <p className="text-sm text-slate-500">No attempts yet: the node has not run.</p>;

  return (
    <ol className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="attempts-timeline" aria-label="Attempts">
      {rows.map(({ n, attempt }) => {
        const latest = n === count;
        const state = latest ? liveState : (attempt?.state ?? "pending");
        const isSelected = selected === n;
        return (
          <li key={n}>
            <button
              type="button"
              data-testid="attempt"
              data-attempt={n}
              data-state={state}
              aria-pressed={isSelected}
              onClick={() => onSelect(n)}
              className={`grid w-full grid-cols-[2.5rem_7.5rem_4.5rem_4rem_1fr] items-center gap-2 px-2 py-1.5 text-left text-xs ${
                isSelected ? "bg-slate-100" : "hover:bg-slate-50"
              }`}
            >
              <span className="font-mono text-slate-500">#{n}</span>
              <StateBadge state={state} />
              <span className="text-slate-600" title="started">
                {formatTime(attempt?.startedAt)}
              </span>
              <span className="text-slate-600" title="duration">
                {attempt ? formatElapsed(attempt.startedAt, attempt.endedAt, now) : "—"}
              </span>
              <span className="min-w-0 truncate text-slate-600">
                {attempt?.exitCode !== null && attempt?.exitCode !== undefined && <span className="font-mono">exit {attempt.exitCode} · </span>}
                {attempt?.trigger ?? ""}
                {attempt?.message && <span className="text-slate-500"> · {attempt.message}</span>}
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
