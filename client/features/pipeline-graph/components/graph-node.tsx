import { memo } from "react";
import type { NodeProps } from "@xyflow/react";
import { HANDLE_Y, clusterLinkPath } from "../utils/flow-elements";
import type { ClusterLink, PipelineFlowNode } from "../utils/flow-elements";
import { edgeAttributes } from "../utils/live-attributes";
import { useLiveAttributes } from "./graph-context";
import { GroupFrame, NodeCard } from "./node-cards";

const ANCHOR_STYLE = { top: HANDLE_Y, opacity: 0, pointerEvents: "none" } as const;

/**
 * Edge anchors. React Flow finds handles by these classes and measures them (its resize observer
 * re-reads them from the DOM); plain elements rather than <Handle> components spare it two store
 * subscriptions per node. Nothing is connected by hand here.
 */
function Anchors() {
  return (
    <>
      <div className="react-flow__handle react-flow__handle-left target" data-handlepos="left" style={ANCHOR_STYLE} aria-hidden="true" />
      <div className="react-flow__handle react-flow__handle-right source" data-handlepos="right" style={ANCHOR_STYLE} aria-hidden="true" />
    </>
  );
}

/** A leaf (Exec) or a collapsed container, as its own React Flow node. */
export const GraphNode = memo(function GraphNode({ data }: NodeProps<PipelineFlowNode>) {
  return (
    <>
      <NodeCard spec={data.spec} />
      <Anchors />
    </>
  );
});

/** An expanded container whose children are React Flow nodes of their own. */
export const GroupNode = memo(function GroupNode({ data }: NodeProps<PipelineFlowNode>) {
  return (
    <>
      <GroupFrame spec={data.spec} />
      <Anchors />
    </>
  );
});

const ClusterEdge = memo(function ClusterEdge({ link }: { link: ClusterLink }) {
  const { ref, attributes } = useLiveAttributes<SVGPathElement>(link.target, edgeAttributes);
  return <path ref={ref} d={clusterLinkPath(link)} fill="none" data-testid="graph-edge" data-source={link.source} data-target={link.target} {...attributes} className="baton-edge-path" />;
});

/**
 * A container whose children are all leaves, drawn as ONE React Flow node that places its
 * children itself (at the positions ELK gave them). React Flow's per-node cost (a wrapper, store
 * subscriptions, a resize observer) is then paid once per container instead of once per leaf:
 * a 2,000-node pipeline is a few hundred React Flow nodes.
 */
export const ClusterNode = memo(function ClusterNode({ data }: NodeProps<PipelineFlowNode>) {
  const { spec, members = [], links = [] } = data;
  return (
    <>
      <GroupFrame spec={spec}>
        {links.length > 0 && (
          <svg className="pointer-events-none absolute left-0 top-0 overflow-visible" width="1" height="1" aria-hidden="true">
            {links.map((link) => (
              <ClusterEdge key={link.id} link={link} />
            ))}
          </svg>
        )}
        {members.map(({ spec: member, box }) => (
          <NodeCard key={member.id} spec={member} interactive style={{ left: box.x, top: box.y, width: box.width, height: box.height }} />
        ))}
      </GroupFrame>
      <Anchors />
    </>
  );
});
