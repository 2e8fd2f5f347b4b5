import type { Edge, Node } from "@xyflow/react";
import type { NodeLive } from "../../../lib/pipeline";
import type { GraphEdgeSpec, GraphNodeSpec, GraphSpec } from "./build-graph";
import type { GraphLayout, NodeBox } from "./graph-layout";

/** What a custom graph node renders: its place in the structure and its live state. */
export type PipelineNodeData = {
  spec: GraphNodeSpec;
  live: NodeLive;
};
export type PipelineFlowNode = Node<PipelineNodeData, "pipelineNode" | "pipelineGroup">;
export type PipelineFlowEdge = Edge;

const UNKNOWN_LIVE: NodeLive = { state: "pending", skipped: false, attempts: 0 };

/**
 * Per-layout caches of the React Flow objects last produced for each spec node and edge. A node
 * object is reused while its live entry and selection are unchanged, so React Flow (which compares
 * node objects by reference) re-renders only the nodes whose state changed.
 */
export interface FlowCache {
  nodes: WeakMap<GraphNodeSpec, PipelineFlowNode>;
  edges: WeakMap<GraphEdgeSpec, PipelineFlowEdge>;
}

export function createFlowCache(): FlowCache {
  return { nodes: new WeakMap(), edges: new WeakMap() };
}

export function toFlowNodes(
  spec: GraphSpec,
  layout: GraphLayout,
  live: ReadonlyMap<string, NodeLive>,
  selectedPath: string | null,
  cache: FlowCache,
): PipelineFlowNode[] {
  const result: PipelineFlowNode[] = new Array(spec.nodes.length);
  for (let i = 0; i < spec.nodes.length; i++) {
    const node = spec.nodes[i]!;
    const nodeLive = live.get(node.id) ?? UNKNOWN_LIVE;
    const selected = node.id === selectedPath;
    const cached = cache.nodes.get(node);
    if (cached && cached.data.live === nodeLive && cached.selected === selected) {
      result[i] = cached;
      continue;
    }
    const box = layout.get(node.id) ?? { x: 0, y: 0, width: 0, height: 0 };
    const flowNode: PipelineFlowNode = {
      id: node.id,
      type: node.kind === "group" ? "pipelineGroup" : "pipelineNode",
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      parentId: node.parentId,
      selected,
      draggable: false,
      connectable: false,
      data: { spec: node, live: nodeLive },
    };
    cache.nodes.set(node, flowNode);
    result[i] = flowNode;
  }
  return result;
}

/** Edges of Serial chains; an edge into a running node is animated. */
export function toFlowEdges(spec: GraphSpec, live: ReadonlyMap<string, NodeLive>, cache: FlowCache): PipelineFlowEdge[] {
  const result: PipelineFlowEdge[] = new Array(spec.edges.length);
  for (let i = 0; i < spec.edges.length; i++) {
    const edge = spec.edges[i]!;
    const animated = live.get(edge.target)?.state === "running";
    const cached = cache.edges.get(edge);
    if (cached && cached.animated === animated) {
      result[i] = cached;
      continue;
    }
    const flowEdge: PipelineFlowEdge = {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      type: "smoothstep",
      animated,
      focusable: false,
      selectable: false,
      className: animated ? "baton-edge-running" : "baton-edge",
    };
    cache.edges.set(edge, flowEdge);
    result[i] = flowEdge;
  }
  return result;
}

/** A node's box in graph coordinates (layout boxes are relative to their parent group). */
export function absoluteBox(spec: GraphSpec, layout: GraphLayout, path: string): NodeBox | null {
  const parents = new Map<string, string | undefined>();
  for (const node of spec.nodes) parents.set(node.id, node.parentId);
  const box = layout.get(path);
  if (!box || !parents.has(path)) return null;
  let x = box.x;
  let y = box.y;
  let parent = parents.get(path);
  while (parent !== undefined) {
    const parentBox = layout.get(parent);
    if (!parentBox) break;
    x += parentBox.x;
    y += parentBox.y;
    parent = parents.get(parent);
  }
  return { x, y, width: box.width, height: box.height };
}
