import { Position } from "@xyflow/react";
import type { Edge, Node, NodeHandle } from "@xyflow/react";
import type { GraphNodeSpec, GraphSpec } from "./build-graph";
import type { GraphLayout, NodeBox } from "./graph-layout";

/** A child drawn inside a cluster, at its box relative to the cluster's content (inside the frame's border). */
export interface ClusterMember {
  spec: GraphNodeSpec;
  box: NodeBox;
}

/** A Serial link between two children of a cluster, in the same coordinates as its members. */
export interface ClusterLink {
  id: string;
  source: string;
  target: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * React Flow's nodes and edges are made once per layout and carry no state: live states reach the
 * custom nodes and edges through the LiveStore, so a state change never updates React Flow's store.
 */
export type PipelineNodeData = { spec: GraphNodeSpec; members?: ClusterMember[]; links?: ClusterLink[] };
export type PipelineFlowNode = Node<PipelineNodeData, "pipelineNode" | "pipelineGroup" | "pipelineCluster">;
export type PipelineEdgeData = { target: string };
export type PipelineFlowEdge = Edge<PipelineEdgeData, "pipelineEdge">;

/** Edges leave and enter level with a leaf's middle and a group's header, so a Serial row's edges run straight. */
export const HANDLE_Y = 20;
/** The width of a group frame's border: its children are placed inside it. */
export const FRAME_BORDER = 2;

/**
 * Every node's size and edge anchors are known from the layout, so React Flow is told them up front
 * (edges draw on the first frame, nodes are never hidden while unmeasured); its resize observer
 * later re-reads the same anchors from the DOM.
 */
function anchors(width: number): NodeHandle[] {
  return [
    { type: "target", position: Position.Left, x: 0, y: HANDLE_Y, width: 1, height: 1 },
    { type: "source", position: Position.Right, x: width - 1, y: HANDLE_Y, width: 1, height: 1 },
  ];
}

/** Expanded groups whose children are all cards (no expanded group among them). */
export function clusterPaths(spec: GraphSpec): Set<string> {
  const hasGroupChild = new Set<string>();
  const groups = new Set<string>();
  for (const node of spec.nodes) {
    if (node.kind === "group") groups.add(node.id);
    if (node.kind === "group" && node.parentId !== undefined) hasGroupChild.add(node.parentId);
  }
  for (const path of hasGroupChild) groups.delete(path);
  return groups;
}

export interface FlowElements {
  nodes: PipelineFlowNode[];
  edges: PipelineFlowEdge[];
}

/**
 * React Flow nodes for a laid-out graph: a group whose children are all cards becomes one
 * "cluster" node that draws them (and the links between them) itself; other groups and cards are
 * React Flow nodes of their own.
 */
export function toFlowElements(spec: GraphSpec, layout: GraphLayout): FlowElements {
  const clusters = clusterPaths(spec);
  const boxOf = (id: string): NodeBox => layout.get(id) ?? { x: 0, y: 0, width: 0, height: 0 };
  const clusterNodes = new Map<string, PipelineFlowNode>();
  const nodes: PipelineFlowNode[] = [];

  for (const node of spec.nodes) {
    if (node.parentId !== undefined && clusters.has(node.parentId)) {
      const box = boxOf(node.id);
      clusterNodes.get(node.parentId)!.data.members!.push({
        spec: node,
        box: { x: box.x - FRAME_BORDER, y: box.y - FRAME_BORDER, width: box.width, height: box.height },
      });
      continue;
    }
    const box = boxOf(node.id);
    const cluster = clusters.has(node.id);
    const flowNode: PipelineFlowNode = {
      id: node.id,
      type: cluster ? "pipelineCluster" : node.kind === "group" ? "pipelineGroup" : "pipelineNode",
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      measured: { width: box.width, height: box.height },
      handles: anchors(box.width),
      parentId: node.parentId,
      draggable: false,
      connectable: false,
      selectable: false,
      data: cluster ? { spec: node, members: [], links: [] } : { spec: node },
    };
    if (cluster) clusterNodes.set(node.id, flowNode);
    nodes.push(flowNode);
  }

  const edges: PipelineFlowEdge[] = [];
  for (const edge of spec.edges) {
    const cluster = clusterNodes.get(edge.parentId);
    if (cluster) {
      const source = boxOf(edge.source);
      const target = boxOf(edge.target);
      cluster.data.links!.push({
        id: edge.id,
        source: edge.source,
        target: edge.target,
        x1: source.x + source.width - FRAME_BORDER,
        y1: source.y + HANDLE_Y - FRAME_BORDER,
        x2: target.x - FRAME_BORDER,
        y2: target.y + HANDLE_Y - FRAME_BORDER,
      });
      continue;
    }
    edges.push({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      type: "pipelineEdge",
      focusable: false,
      selectable: false,
      data: { target: edge.target },
    });
  }
  return { nodes, edges };
}

/** A straight line along a row; a step down to the next row when a long Serial wraps. */
export function clusterLinkPath({ x1, y1, x2, y2 }: Pick<ClusterLink, "x1" | "y1" | "x2" | "y2">): string {
  if (y1 === y2) return `M${x1},${y1} H${x2}`;
  if (x2 > x1) {
    const midX = (x1 + x2) / 2;
    return `M${x1},${y1} H${midX} V${y2} H${x2}`;
  }
  const between = y2 - HANDLE_Y - 15;
  return `M${x1},${y1} h8 V${between} H${x2 - 8} V${y2} H${x2}`;
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
