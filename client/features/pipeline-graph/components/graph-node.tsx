import { memo } from "react";
import type { NodeProps } from "@xyflow/react";
import { SKIPPED_CARD, STATE_STYLES } from "../../../components/ui";
import type { PipelineFlowNode } from "../utils/flow-elements";
import { useGraphContext, useNodeLive, useNodeSelected } from "./graph-callbacks";

/** Handles sit level with a leaf's middle and a group's header, so a Serial row's edges run straight. */
const HANDLE_STYLE = { top: 20, opacity: 0, pointerEvents: "none" } as const;

/**
 * A fixed edge anchor. React Flow finds handles by their classes and measures them; plain elements
 * instead of <Handle> components save two store subscriptions per node (4,000 on a big pipeline),
 * which React Flow would otherwise run on every pan, zoom and update. Nothing connects by hand here.
 */
function Anchor({ type }: { type: "source" | "target" }) {
  const side = type === "source" ? "right" : "left";
  return <div className={`react-flow__handle react-flow__handle-${side} ${type}`} data-handlepos={side} style={HANDLE_STYLE} aria-hidden="true" />;
}

const TYPE_MARK: Record<string, string> = { serial: "→", parallel: "⇉", exec: "", lazy: "⋯" };

/** A leaf (Exec) or a collapsed container. */
export const GraphNode = memo(function GraphNode({ data }: NodeProps<PipelineFlowNode>) {
  const { spec } = data;
  const live = useNodeLive(spec.id);
  const selected = useNodeSelected(spec.id);
  const { toggleCollapsed } = useGraphContext();
  const style = STATE_STYLES[live.state];
  const collapsed = spec.kind === "collapsed";
  return (
    <div
      data-testid="graph-node"
      data-path={spec.id}
      data-state={live.state}
      data-skipped={String(live.skipped)}
      data-kind={spec.kind}
      title={`${spec.id} — ${style.label}${live.skipped ? " (skipped)" : ""}`}
      className={`relative flex h-full w-full cursor-pointer items-center gap-2 rounded-md border-2 px-2 text-[13px] text-slate-800 ${style.card} ${live.state === "running" ? "baton-running" : ""} ${
        live.skipped ? SKIPPED_CARD : ""
      } ${selected ? "ring-2 ring-slate-900 ring-offset-1" : ""} ${collapsed ? "shadow-[3px_3px_0_0_rgb(203_213_225)]" : ""}`}
    >
      <Anchor type="target" />
      <span className={`h-2.5 w-2.5 shrink-0 rounded-full ${style.dot}`} aria-hidden="true" />
      <span className="min-w-0 flex-1 truncate font-medium">{spec.label}</span>
      {collapsed ? (
        <button
          type="button"
          aria-label={`Expand ${spec.id}`}
          aria-expanded="false"
          className="nodrag shrink-0 rounded px-1 text-xs text-slate-600 hover:bg-slate-200"
          onClick={(event) => {
            event.stopPropagation();
            toggleCollapsed(spec.id);
          }}
        >
          {TYPE_MARK[spec.type]} +{spec.descendants}
        </button>
      ) : (
        spec.type === "lazy" && <span className="text-xs text-slate-500">{TYPE_MARK.lazy}</span>
      )}
      <Anchor type="source" />
    </div>
  );
});

/** An expanded Serial or Parallel: a frame with a header, its children drawn inside it. */
export const GroupNode = memo(function GroupNode({ data }: NodeProps<PipelineFlowNode>) {
  const { spec } = data;
  const live = useNodeLive(spec.id);
  const selected = useNodeSelected(spec.id);
  const { toggleCollapsed } = useGraphContext();
  const style = STATE_STYLES[live.state];
  return (
    <div
      data-testid="graph-node"
      data-path={spec.id}
      data-state={live.state}
      data-skipped={String(live.skipped)}
      data-kind="group"
      className={`h-full w-full rounded-lg border-2 ${style.frame} ${live.skipped ? SKIPPED_CARD : ""} ${
        selected ? "ring-2 ring-slate-900 ring-offset-1" : ""
      }`}
    >
      <Anchor type="target" />
      <div className="flex h-[28px] cursor-pointer items-center gap-1.5 px-1.5 text-xs text-slate-700">
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
      <Anchor type="source" />
    </div>
  );
});
