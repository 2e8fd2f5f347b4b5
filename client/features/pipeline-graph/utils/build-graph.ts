import type { NodeView } from "../../../../shared/api/pipeline-views";
import type { NodeType } from "../../../../shared/pipeline/pipeline-schema";

/**
 * The graph is a pure function of the tree's structure and the set of collapsed paths: states are
 * laid over it later, so a state change never rebuilds or re-lays out the graph.
 *
 * Serial and Parallel nodes with children become group nodes that contain their children; a
 * Serial's children are chained by edges (left to right), a Parallel's are not (stacked).
 */

export type GraphNodeKind = "leaf" | "group" | "collapsed";

export interface GraphNodeSpec {
  /** The node's path. */
  readonly id: string;
  readonly parentId: string | undefined;
  readonly kind: GraphNodeKind;
  readonly type: NodeType;
  readonly label: string;
  readonly depth: number;
  /** Nodes below this one in the tree (shown on a collapsed group). */
  readonly descendants: number;
}

export interface GraphEdgeSpec {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The Serial both ends belong to. */
  readonly parentId: string;
}

export interface GraphSpec {
  /** Parents before their children, in tree order: what `j`/`k` walk through. */
  readonly nodes: readonly GraphNodeSpec[];
  readonly edges: readonly GraphEdgeSpec[];
}

export function nodeLabel(view: Pick<NodeView, "path" | "name" | "title">): string {
  if (view.title) return view.title;
  if (view.path === "/") return view.name || "pipeline";
  return view.name;
}

function countDescendants(view: NodeView, into: Map<NodeView, number>): number {
  let total = 0;
  for (const child of view.children) total += 1 + countDescendants(child, into);
  into.set(view, total);
  return total;
}

export function buildGraph(root: NodeView, collapsed: ReadonlySet<string>): GraphSpec {
  const descendants = new Map<NodeView, number>();
  countDescendants(root, descendants);
  const nodes: GraphNodeSpec[] = [];
  const edges: GraphEdgeSpec[] = [];

  const visit = (view: NodeView, parentId: string | undefined, depth: number): void => {
    const hasChildren = view.children.length > 0;
    const isCollapsed = hasChildren && collapsed.has(view.path);
    nodes.push({
      id: view.path,
      parentId,
      kind: !hasChildren ? "leaf" : isCollapsed ? "collapsed" : "group",
      type: view.type,
      label: nodeLabel(view),
      depth,
      descendants: descendants.get(view) ?? 0,
    });
    if (!hasChildren || isCollapsed) return;
    for (const child of view.children) visit(child, view.path, depth + 1);
    if (view.type === "serial") {
      for (let i = 1; i < view.children.length; i++) {
        const source = view.children[i - 1]!.path;
        const target = view.children[i]!.path;
        edges.push({ id: `${source}->${target}`, source, target, parentId: view.path });
      }
    }
  };
  visit(root, undefined, 0);
  return { nodes, edges };
}

/** Every container path with children: what "collapse all" collapses. */
export function containerPaths(root: NodeView): string[] {
  const result: string[] = [];
  const visit = (view: NodeView): void => {
    if (view.children.length === 0) return;
    result.push(view.path);
    for (const child of view.children) visit(child);
  };
  visit(root);
  return result;
}
