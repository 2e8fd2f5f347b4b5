import type { ElkExtendedEdge, ElkNode, LayoutOptions } from "elkjs/lib/elk-api";
import type { GraphSpec } from "./build-graph";

/** Where each graph node sits, relative to its parent group (as React Flow wants it). */
export interface NodeBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export type GraphLayout = ReadonlyMap<string, NodeBox>;

export const LEAF_WIDTH = 200;
export const LEAF_HEIGHT = 40;
export const GROUP_HEADER = 30;
const GROUP_PADDING = 10;

/** Anything with ELK's `layout` method: the bundled ELK on the main thread or a worker proxy. */
export interface ElkLayouter {
  layout(graph: ElkNode): Promise<ElkNode>;
}

const padding = `[top=${GROUP_HEADER + GROUP_PADDING},left=${GROUP_PADDING},bottom=${GROUP_PADDING},right=${GROUP_PADDING}]`;

/**
 * ELK's box algorithm with a priority per child keeps the children in tree order and runs in
 * linear-ish time; the layered algorithm took seconds on a 2,000-node tree. An extreme aspect ratio
 * makes one row (Serial, left to right) or one column (Parallel, stacked). A group with very many
 * children wraps them into a block instead (rows in tree order), which keeps a fan-out of 2,000
 * tests as readable as it can be rather than a line 100,000 pixels long.
 */
export const WRAP_ABOVE_CHILDREN = 24;
const SERIAL_OPTIONS: LayoutOptions = {
  "elk.algorithm": "box",
  "elk.aspectRatio": "1000000",
  "elk.padding": padding,
  "elk.spacing.nodeNode": "36",
};
const PARALLEL_OPTIONS: LayoutOptions = {
  "elk.algorithm": "box",
  "elk.aspectRatio": "0.000001",
  "elk.padding": padding,
  "elk.spacing.nodeNode": "10",
};
const WRAPPED_SERIAL_OPTIONS: LayoutOptions = { ...SERIAL_OPTIONS, "elk.aspectRatio": "2.5", "elk.spacing.nodeNode": "30" };
const WRAPPED_PARALLEL_OPTIONS: LayoutOptions = { ...PARALLEL_OPTIONS, "elk.aspectRatio": "1.6" };

function groupOptions(type: GraphSpec["nodes"][number]["type"], children: number): LayoutOptions {
  const wrap = children > WRAP_ABOVE_CHILDREN;
  if (type === "parallel") return wrap ? WRAPPED_PARALLEL_OPTIONS : PARALLEL_OPTIONS;
  return wrap ? WRAPPED_SERIAL_OPTIONS : SERIAL_OPTIONS;
}

/**
 * The ELK graph of a spec: groups are compound nodes laid out separately (SEPARATE_CHILDREN), so
 * each Serial is a left-to-right chain and each Parallel one column of unconnected children.
 */
export function toElkGraph(spec: GraphSpec): ElkNode {
  const elkNodes = new Map<string, ElkNode>();
  const childCount = new Map<string, number>();
  for (const node of spec.nodes) if (node.parentId !== undefined) childCount.set(node.parentId, (childCount.get(node.parentId) ?? 0) + 1);
  const top: ElkNode = { id: "__graph", layoutOptions: { "elk.algorithm": "box", "elk.padding": "[top=0,left=0,bottom=0,right=0]" }, children: [] };
  for (const node of spec.nodes) {
    const elkNode: ElkNode =
      node.kind === "group"
        ? { id: node.id, layoutOptions: groupOptions(node.type, childCount.get(node.id) ?? 0), children: [], edges: [] }
        : { id: node.id, width: LEAF_WIDTH, height: LEAF_HEIGHT };
    elkNodes.set(node.id, elkNode);
    const parent = node.parentId === undefined ? top : elkNodes.get(node.parentId);
    if (!parent) throw new Error(`graph node ${node.id} comes before its parent ${node.parentId}`);
    const siblings = parent.children!;
    // Box packing sorts by priority first: a falling priority keeps the tree order.
    elkNode.layoutOptions = { ...elkNode.layoutOptions, "elk.priority": String(1_000_000 - siblings.length) };
    siblings.push(elkNode);
  }
  for (const edge of spec.edges) {
    const parent = elkNodes.get(edge.parentId);
    const elkEdge: ElkExtendedEdge = { id: edge.id, sources: [edge.source], targets: [edge.target] };
    parent?.edges?.push(elkEdge);
  }
  return top;
}

export function readLayout(graph: ElkNode): GraphLayout {
  const boxes = new Map<string, NodeBox>();
  const visit = (node: ElkNode): void => {
    for (const child of node.children ?? []) {
      boxes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? LEAF_WIDTH, height: child.height ?? LEAF_HEIGHT });
      visit(child);
    }
  };
  visit(graph);
  return boxes;
}

export async function layoutGraph(spec: GraphSpec, elk: ElkLayouter): Promise<GraphLayout> {
  return readLayout(await elk.layout(toElkGraph(spec)));
}
