import { memo } from "react";
import type { CSSProperties, MouseEvent, ReactNode } from "react";
import { SKIPPED_CARD, STATE_STYLES } from "../../../components/ui";
import type { GraphNodeSpec } from "../utils/build-graph";
import { useGraphContext, useNodeDisplay } from "./graph-context";

const TYPE_MARK: Record<string, string> = { serial: "→", parallel: "⇉", exec: "", lazy: "⋯" };

/**
 * A leaf or a collapsed container as a card. Every graph node element carries
 * data-testid="graph-node", data-path, data-state and data-skipped.
 */
export const NodeCard = memo(function NodeCard({ spec, style: position, interactive = false }: { spec: GraphNodeSpec; style?: CSSProperties; interactive?: boolean }) {
  const { live, selected } = useNodeDisplay(spec.id);
  const { toggleCollapsed, select, openMenu } = useGraphContext();
  const style = STATE_STYLES[live.state];
  const collapsed = spec.kind === "collapsed";
  // Cards drawn inside a cluster handle their own clicks (React Flow only sees the cluster).
  const handlers = interactive
    ? {
        onClick: (event: MouseEvent) => {
          event.stopPropagation();
          select(spec.id);
        },
        onContextMenu: (event: MouseEvent) => {
          event.preventDefault();
          event.stopPropagation();
          openMenu(spec.id, { x: event.clientX, y: event.clientY });
        },
      }
    : {};
  return (
    <div
      data-testid="graph-node"
      data-path={spec.id}
      data-state={live.state}
      data-skipped={String(live.skipped)}
      data-kind={spec.kind}
      title={`${spec.id} — ${style.label}${live.skipped ? " (skipped)" : ""}`}
      style={position}
      {...handlers}
      className={`${position ? "absolute" : "relative h-full w-full"} flex cursor-pointer items-center gap-2 rounded-md border-2 px-2 text-[13px] text-slate-800 ${style.card} ${
        live.state === "running" ? "baton-running" : ""
      } ${live.skipped ? SKIPPED_CARD : ""} ${selected ? "ring-2 ring-slate-900 ring-offset-1" : ""} ${collapsed ? "shadow-[3px_3px_0_0_rgb(203_213_225)]" : ""}`}
    >
      <span className={`baton-detail h-2.5 w-2.5 shrink-0 rounded-full ${style.dot}`} aria-hidden="true" />
      <span className="baton-detail min-w-0 flex-1 truncate font-medium">{spec.label}</span>
      {collapsed ? (
        <button
          type="button"
          aria-label={`Expand ${spec.id}`}
          aria-expanded="false"
          className="baton-detail nodrag shrink-0 rounded px-1 text-xs text-slate-600 hover:bg-slate-200"
          onClick={(event) => {
            event.stopPropagation();
            toggleCollapsed(spec.id);
          }}
        >
          {TYPE_MARK[spec.type]} +{spec.descendants}
        </button>
      ) : (
        spec.type === "lazy" && <span className="baton-detail text-xs text-slate-500">{TYPE_MARK.lazy}</span>
      )}
    </div>
  );
});

/** An expanded Serial or Parallel: a frame with a header; its children are drawn inside it. */
export const GroupFrame = memo(function GroupFrame({ spec, children }: { spec: GraphNodeSpec; children?: ReactNode }) {
  const { live, selected } = useNodeDisplay(spec.id);
  const { toggleCollapsed } = useGraphContext();
  const style = STATE_STYLES[live.state];
  return (
    <div
      data-testid="graph-node"
      data-path={spec.id}
      data-state={live.state}
      data-skipped={String(live.skipped)}
      data-kind="group"
      className={`relative h-full w-full rounded-lg border-2 ${style.frame} ${live.skipped ? SKIPPED_CARD : ""} ${
        selected ? "ring-2 ring-slate-900 ring-offset-1" : ""
      }`}
    >
      <div className="baton-detail flex h-[28px] cursor-pointer items-center gap-1.5 px-1.5 text-xs text-slate-700">
        <button
          type="button"
          aria-label={`Collapse ${spec.id}`}
          aria-expanded="true"
          className="nodrag flex h-5 w-5 items-center justify-center rounded text-slate-500 hover:bg-slate-200"
          onClick={(event) => {
            event.stopPropagation();
            toggleCollapsed(spec.id);
          }}
        >
          ▾
        </button>
        <span className={`h-2 w-2 shrink-0 rounded-full ${style.dot}`} aria-hidden="true" />
        <span className="min-w-0 truncate font-semibold">{spec.label}</span>
        <span className="shrink-0 text-slate-400" title={spec.type}>
          {spec.type} {TYPE_MARK[spec.type]}
        </span>
      </div>
      {children}
    </div>
  );
});
