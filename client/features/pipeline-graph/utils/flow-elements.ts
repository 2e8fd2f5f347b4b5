import { Position } from "@xyflow/react";
import type { Edge, Node, NodeHandle } from "@xyflow/react";
import type { GraphNodeSpec, GraphSpec } from "./build-graph";
import type { GraphLayout, NodeBox } from "./graph-layout";

/**
 * React Flow's nodes and edges are made once per layout and carry no state: live states reach the
 * custom nodes and edges through the LiveStore, so a state change never updates React Flow's store.
 */
export type PipelineNodeData = { spec: GraphNodeSpec };
export type PipelineFlowNode = Node<PipelineNodeData, "pipelineNode" | "pipelineGroup">;
export type PipelineEdgeData = { target: string };
export type PipelineFlowEdge = Edge<PipelineEdgeData, "pipelineEdge">;

/** Edges leave and enter level with a leaf's middle and a group's header, so a Serial row's edges run straight. */
export const HANDLE_Y = 20;

/**
 * Every node's size and edge anchors are known from the layout, so React Flow is told them rather
 * than measuring the DOM: no handle elements, no getBoundingClientRect per node on first render.
 */
function anchors(width: number): NodeHandle[] {
  return [
    { type: "target", position: Position.Left, x: 0, y: HANDLE_Y, width: 1, height: 1 },
    { type: "source", position: Position.Right, x: width - 1, y: HANDLE_Y, width: 1, height: 1 },
  ];
}

export function toFlowNodes(spec: GraphSpec, layout: GraphLayout): PipelineFlowNode[] {
  return spec.nodes.map((node) => {
    const box = layout.get(node.id) ?? { x: 0, y: 0, width: 0, height: 0 };
    return {
      id: node.id,
      type: node.kind === "group" ? "pipelineGroup" : "pipelineNode",
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      measured: { width: box.width, height: box.height },
      handles: anchors(box.width),
      parentId: node.parentId,
      draggable: false,
      connectable: false,
      selectable: false,
      data: { spec: node },
    };
  });
}

/** Edges of the Serial chains. */
export function toFlowEdges(spec: GraphSpec): PipelineFlowEdge[] {
  return spec.edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    type: "pipelineEdge",
    focusable: false,
    selectable: false,
    data: { target: edge.target },
  }));
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
