import { deriveParentState, emptyCounts, isActive, isFailed, type NodeState } from "../../shared/pipeline/node-state";
import { isParent, walk, type RuntimeNode } from "./runtime-node";

/**
 * Derived states, kept incrementally: each parent holds counts of its children's states as it
 * counts them, so a change costs O(depth), never a walk of the tree.
 */

/** Collects the nodes whose state or flags changed during one engine step. */
export type ChangeSink = (node: RuntimeNode) => void;

/** The state a parent counts this child as: skipped and error-suppressed children count as done. */
export function countedState(node: RuntimeNode): NodeState {
  if (node.skipped && !isActive(node.state)) return "done";
  if (node.type === "exec" && node.params.suppressErrors && isFailed(node.state)) return "done";
  return node.state;
}

function derive(node: RuntimeNode): NodeState {
  if (node.awaitingGraft) return node.active > 0 ? "running" : "pending";
  const state = deriveParentState(node.counts, node.children.length);
  if (node.params.suppressErrors && isFailed(state)) return "done";
  return state;
}

function propagate(parent: RuntimeNode | null, child: RuntimeNode, before: NodeState, after: NodeState, changed: ChangeSink): void {
  let node = parent;
  let from = before;
  let to = after;
  let via = child;
  while (node && from !== to) {
    node.counts[from]--;
    node.counts[to]++;
    if (to !== "done" && via.index < node.scanFrom) node.scanFrom = via.index;
    const countedBefore = countedState(node);
    const next = derive(node);
    if (next === node.state) return;
    node.state = next;
    changed(node);
    const countedAfter = countedState(node);
    from = countedBefore;
    to = countedAfter;
    via = node;
    node = node.parent;
  }
}

function adjustActive(node: RuntimeNode, delta: number): void {
  for (let n: RuntimeNode | null = node; n; n = n.parent) n.active += delta;
}

/** Sets an Exec's state, keeping counts, active totals and ancestors' derived states right. */
export function setExecState(node: RuntimeNode, state: NodeState, changed: ChangeSink): void {
  if (node.state === state) return;
  const before = countedState(node);
  const wasActive = isActive(node.state);
  node.state = state;
  const nowActive = isActive(state);
  if (wasActive !== nowActive) adjustActive(node, nowActive ? 1 : -1);
  changed(node);
  propagate(node.parent, node, before, countedState(node), changed);
}

export function setSkipped(node: RuntimeNode, skipped: boolean, changed: ChangeSink): void {
  if (node.skipped === skipped) return;
  const before = countedState(node);
  node.skipped = skipped;
  changed(node);
  propagate(node.parent, node, before, countedState(node), changed);
}

/** Recomputes counts and derived states of a subtree from its Execs (after building or loading it). */
export function recomputeSubtree(root: RuntimeNode): void {
  const order = [...walk(root)].reverse();
  for (const node of order) {
    if (!isParent(node)) {
      node.active = isActive(node.state) ? 1 : 0;
      continue;
    }
    node.counts = emptyCounts();
    node.active = 0;
    node.scanFrom = 0;
    for (const child of node.children) {
      node.counts[countedState(child)]++;
      node.active += child.active;
    }
    node.state = derive(node);
  }
}

/** Replaces a subtree's place in its parent's counts after its structure changed (a graft). */
export function refreshAfterStructureChange(subtree: RuntimeNode, changed: ChangeSink): void {
  const before = countedState(subtree);
  const activeBefore = subtree.active;
  recomputeSubtree(subtree);
  changed(subtree);
  if (subtree.active !== activeBefore) {
    for (let n = subtree.parent; n; n = n.parent) n.active += subtree.active - activeBefore;
  }
  propagate(subtree.parent, subtree, before, countedState(subtree), changed);
}
