import { memo, useCallback } from "react";
import type { CSSProperties, MouseEvent, ReactNode } from "react";
import type { GraphNodeSpec } from "../utils/build-graph";
import { frameDotAttributes, nodeAttributes } from "../utils/live-attributes";
import type { NodeDisplay } from "../utils/live-store";
import { useGraphContext, useLiveAttributes } from "./graph-context";

const TYPE_MARK: Record<string, string> = { serial: "→", parallel: "⇉", exec: "", lazy: "⋯" };

function useNodeAttributes<E extends Element>(spec: GraphNodeSpec) {
  const attributesOf = useCallback((display: NodeDisplay) => nodeAttributes(spec, display), [spec]);
  return useLiveAttributes<E>(spec.id, attributesOf);
}

/**
 * A leaf or a collapsed container as a card. Every graph node element carries
 * data-testid="graph-node", data-path, data-state, data-skipped and data-selected; its colours
 * follow from them (styles.css), so a state change never renders it again.
 */
export const NodeCard = memo(function NodeCard({ spec, style: position, interactive = false }: { spec: GraphNodeSpec; style?: CSSProperties; interactive?: boolean }) {
  const { ref, attributes } = useNodeAttributes<HTMLDivElement>(spec);
  const { toggleCollapsed, select, openMenu } = useGraphContext();
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
      ref={ref}
      data-testid="graph-node"
      data-path={spec.id}
      data-kind={spec.kind}
      {...attributes}
      style={position}
      {...handlers}
      className={`baton-card ${position ? "absolute" : "relative h-full w-full"} flex cursor-pointer items-center gap-2 rounded-md border-2 px-2 text-[13px] text-slate-800 ${
        collapsed ? "shadow-[3px_3px_0_0_rgb(203_213_225)]" : ""
      }`}
    >
      <span className="baton-detail baton-dot h-2.5 w-2.5 shrink-0 rounded-full" aria-hidden="true" />
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
  const { ref, attributes } = useNodeAttributes<HTMLDivElement>(spec);
  const dot = useLiveAttributes<HTMLSpanElement>(spec.id, frameDotAttributes);
  const { toggleCollapsed } = useGraphContext();
  return (
    <div ref={ref} data-testid="graph-node" data-path={spec.id} data-kind="group" {...attributes} className="baton-frame relative h-full w-full rounded-lg border-2">
      <div className="baton-detail baton-frame-header flex h-[28px] cursor-pointer items-center gap-1.5 px-1.5 text-xs text-slate-700">
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
        <span ref={dot.ref} {...dot.attributes} className="baton-frame-dot h-2 w-2 shrink-0 rounded-full" aria-hidden="true" />
        <span className="min-w-0 truncate font-semibold">{spec.label}</span>
        <span className="shrink-0 text-slate-400" title={spec.type}>
          {spec.type} {TYPE_MARK[spec.type]}
        </span>
      </div>
      {children}
    </div>
  );
});
