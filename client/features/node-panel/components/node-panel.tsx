import { memo } from "react";
import type { Ref } from "react";
import type { NodeAction } from "../../../../shared/api/node-actions";
import { isActive, isFailed } from "../../../../shared/pipeline/node-state";
import { Button, ErrorAlert, StateBadge } from "../../../components/ui";
import type { IndexedNode, NodeLive } from "../../../lib/pipeline";
import { nodeActionAvailability } from "../../node-actions";
import type { Availability } from "../../node-actions";
import { NodeLog } from "../../node-log";
import { AttemptsTimeline } from "./attempts-timeline";
import { ModifyForm } from "./modify-form";
import { NodeDetails } from "./node-details";

export interface NodePanelProps {
  pipelineId: string;
  node: IndexedNode;
  live: NodeLive;
  /** The attempt whose log is shown; null follows the latest. */
  attempt: number | null;
  onSelectAttempt: (n: number) => void;
  onAction: (action: NodeAction) => void;
  /** The error of the last action on this node, if it failed. */
  actionError: Error | null;
  actionPending: boolean;
  onDismissError: () => void;
  modifyOpen: boolean;
  onModifyOpenChange: (open: boolean) => void;
  /** Whether the user's role may act on nodes; without it the controls are not shown. */
  canOperate: boolean;
  searchRef?: Ref<HTMLInputElement>;
}

function ActionButton({ label, availability, onClick, variant = "secondary" }: { label: string; availability: Availability; onClick: () => void; variant?: "secondary" | "danger" }) {
  return (
    <Button variant={variant} disabled={!availability.enabled} title={availability.reason ?? undefined} onClick={onClick}>
      {label}
    </Button>
  );
}

/** The selected node: what it is, its controls, its attempts and the log of one of them. */
export const NodePanel = memo(function NodePanel({
  pipelineId,
  node,
  live,
  attempt,
  onSelectAttempt,
  onAction,
  actionError,
  actionPending,
  onDismissError,
  modifyOpen,
  onModifyOpenChange,
  canOperate,
  searchRef,
}: NodePanelProps) {
  const { view } = node;
  const target = { type: view.type, state: live.state, skipped: live.skipped };
  const rerun = nodeActionAvailability("rerun", target);
  const skip = nodeActionAvailability(live.skipped ? "unskip" : "skip", target);
  const kill = nodeActionAvailability("kill", target);
  const modify = nodeActionAvailability("modify", target);
  const shownAttempt = attempt ?? (live.attempts > 0 ? live.attempts : null);
  const isLatest = shownAttempt === live.attempts;
  const attemptLive = isLatest && isActive(live.state);
  const hasLog = node.leaf;

  return (
    <aside className="flex h-full min-h-0 flex-col" data-testid="node-panel" data-path={view.path} aria-label={`Node ${view.path}`}>
      <div className="max-h-[55%] shrink-0 space-y-3 overflow-auto border-b border-slate-200 p-3">
        <header className="space-y-1">
          <div className="flex items-center gap-2">
            <h2 className="min-w-0 truncate font-mono text-sm font-semibold text-slate-900" data-testid="node-panel-path" title={view.path}>
              {view.path}
            </h2>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" data-testid="node-panel-type">
              {view.type}
            </span>
            <StateBadge state={live.state} skipped={live.skipped} className="ml-auto" />
          </div>
        </header>

        {canOperate && (
          <div className="flex flex-wrap gap-1.5" role="group" aria-label="Node controls">
            <ActionButton label="Rerun" availability={rerun} onClick={() => onAction({ action: "rerun", path: view.path })} />
            <ActionButton
              label={live.skipped ? "Unskip" : "Skip"}
              availability={skip}
              onClick={() => onAction(live.skipped ? { action: "unskip", path: view.path } : { action: "skip", path: view.path })}
            />
            <ActionButton label="Kill" variant="danger" availability={kill} onClick={() => onAction({ action: "kill", path: view.path })} />
            {view.type === "exec" && (
              <ActionButton label={modifyOpen ? "Close modify" : "Modify"} availability={modify} onClick={() => onModifyOpenChange(!modifyOpen)} />
            )}
            {actionPending && <span className="self-center text-xs text-slate-500">Sending…</span>}
          </div>
        )}
        {actionError && (
          <div className="flex items-start gap-2">
            <ErrorAlert error={actionError} className="flex-1" />
            <button type="button" aria-label="Dismiss error" className="px-1 text-slate-400 hover:text-slate-700" onClick={onDismissError}>
              ×
            </button>
          </div>
        )}
        {canOperate && modifyOpen && view.type === "exec" && (
          <ModifyForm
            key={`${view.path}:${view.command}`}
            path={view.path}
            command={view.command ?? ""}
            env={view.params.env}
            disabledReason={modify.reason}
            onSubmit={(action) => {
              onAction(action);
              onModifyOpenChange(false);
            }}
            onCancel={() => onModifyOpenChange(false)}
          />
        )}

        <NodeDetails view={view} />

        {hasLog && (
          <section className="space-y-1">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Attempts</h3>
            <AttemptsTimeline attempts={view.attempts} liveCount={live.attempts} liveState={live.state} selected={shownAttempt} onSelect={onSelectAttempt} />
          </section>
        )}
      </div>

      <div className="min-h-0 flex-1">
        {!hasLog ? (
          <p className="p-3 text-sm text-slate-500">
            A {view.type} node has no log of its own: select one of its Exec nodes (or press <kbd className="rounded border px-1">e</kbd> for the next error).
          </p>
        ) : shownAttempt === null ? (
          <p className="p-3 text-sm text-slate-500">No log yet: the node has not run.</p>
        ) : (
          <NodeLog
            key={`${pipelineId}\u0000${view.path}\u0000${shownAttempt}`}
            target={{ pipelineId, path: view.path, attempt: shownAttempt }}
            live={attemptLive}
            startAtEnd={attemptLive || (isLatest && isFailed(live.state))}
            searchRef={searchRef}
          />
        )}
      </div>
    </aside>
  );
});
