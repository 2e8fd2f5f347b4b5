import { z } from "zod";

/** Every state a node can be in. `skipped` is a flag beside the state, not a state. */
export const NodeState = z.enum(["pending", "queued", "running", "done", "error", "killed", "worker_error"]);
export type NodeState = z.infer<typeof NodeState>;

export const NODE_STATES: readonly NodeState[] = NodeState.options;

function unreachable(state: never): never {
  throw new Error(`unknown node state ${String(state)}`);
}

/** The node will not change again unless someone acts on it. */
export function isTerminal(state: NodeState): boolean {
  switch (state) {
    case "done":
    case "error":
    case "killed":
    case "worker_error":
      return true;
    case "pending":
    case "queued":
    case "running":
      return false;
    default:
      return unreachable(state);
  }
}

/** The node ended without succeeding. */
export function isFailed(state: NodeState): boolean {
  switch (state) {
    case "error":
    case "killed":
    case "worker_error":
      return true;
    case "pending":
    case "queued":
    case "running":
    case "done":
      return false;
    default:
      return unreachable(state);
  }
}

/** The engine holds the node: it is waiting for a slot or running. */
export function isActive(state: NodeState): boolean {
  switch (state) {
    case "queued":
    case "running":
      return true;
    case "pending":
    case "done":
    case "error":
    case "killed":
    case "worker_error":
      return false;
    default:
      return unreachable(state);
  }
}

/** Rerun resets a subtree; it is refused while the engine still holds part of it. */
export function canRerun(state: NodeState): boolean {
  return !isActive(state);
}

/** Kill applies to what is queued or running. */
export function canKill(state: NodeState): boolean {
  return isActive(state);
}

/** Modify changes an Exec's command or env and reruns it; like rerun, not while it runs. */
export function canModify(state: NodeState): boolean {
  return !isActive(state);
}

/** Skip and unskip are always allowed; skip only stops pending nodes from running. */
export function canSkip(_state: NodeState): boolean {
  return true;
}

/**
 * The state of a parent derived from its children's states as its parent counts them
 * (a skipped child counts as done). Precedence: running, queued, a failure
 * (error, then worker_error, then killed), all done, else pending.
 */
export interface ChildStateCounts {
  pending: number;
  queued: number;
  running: number;
  done: number;
  error: number;
  killed: number;
  worker_error: number;
}

export function emptyCounts(): ChildStateCounts {
  return { pending: 0, queued: 0, running: 0, done: 0, error: 0, killed: 0, worker_error: 0 };
}

export function deriveParentState(counts: ChildStateCounts, childCount: number): NodeState {
  if (counts.running > 0) return "running";
  if (counts.queued > 0) return "queued";
  if (counts.error > 0) return "error";
  if (counts.worker_error > 0) return "worker_error";
  if (counts.killed > 0) return "killed";
  if (counts.done === childCount) return "done";
  return "pending";
}
