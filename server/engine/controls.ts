import type { NodeAction } from "../../shared/api/node-actions";
import { canKill, canModify, canRerun, isFailed } from "../../shared/pipeline/node-state";
import type { PipelineRun } from "./pipeline-run";
import { walk, type RuntimeNode } from "./runtime-node";

/** A control that cannot apply, with the HTTP status that says why (404 unknown, 409 not now, 400 not here). */
export class ActionError extends Error {
  override name = "ActionError";
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export type ActionPlan =
  | { kind: "rerun"; nodes: RuntimeNode[] }
  | { kind: "skip"; node: RuntimeNode }
  | { kind: "unskip"; node: RuntimeNode }
  | { kind: "kill"; node: RuntimeNode }
  | { kind: "modify"; node: RuntimeNode; command?: string; env?: Record<string, string> };

function nodeAt(run: PipelineRun, path: string): RuntimeNode {
  const node = run.byPath.get(path);
  if (!node) throw new ActionError(404, `no node ${path} in pipeline ${run.record.id}`);
  return node;
}

function activeInside(node: RuntimeNode): RuntimeNode | null {
  if (node.active === 0) return null;
  for (const n of walk(node)) if (n.type === "exec" && (n.state === "queued" || n.state === "running")) return n;
  return null;
}

/**
 * Checks a control against the pipeline as it is now and says what to change. Reading and
 * changing happen in the same synchronous engine step, so the check cannot go stale.
 */
export function planAction(run: PipelineRun, action: NodeAction): ActionPlan {
  switch (action.action) {
    case "rerun": {
      const node = nodeAt(run, action.path);
      const busy = activeInside(node);
      if (busy || !canRerun(node.state)) {
        throw new ActionError(409, `cannot rerun ${node.path}: ${busy?.path ?? node.path} is ${busy?.state ?? node.state}; kill it first`);
      }
      return { kind: "rerun", nodes: [node] };
    }
    case "rerunFailed": {
      const scope = nodeAt(run, action.path ?? "/");
      const failed = [...walk(scope)].filter((n) => n.type === "exec" && isFailed(n.state) && !n.skipped);
      if (failed.length === 0) throw new ActionError(409, `nothing failed under ${scope.path}`);
      return { kind: "rerun", nodes: failed };
    }
    case "skip":
      return { kind: "skip", node: nodeAt(run, action.path) };
    case "unskip": {
      const node = nodeAt(run, action.path);
      if (!node.skipped) throw new ActionError(409, `${node.path} is not skipped`);
      return { kind: "unskip", node };
    }
    case "kill": {
      const node = nodeAt(run, action.path);
      if (!canKill(node.state) && !activeInside(node)) throw new ActionError(409, `cannot kill ${node.path}: it is ${node.state}, not queued or running`);
      return { kind: "kill", node };
    }
    case "modify": {
      const node = nodeAt(run, action.path);
      if (node.type !== "exec") throw new ActionError(400, `cannot modify ${node.path}: only an exec node has a command`);
      if (node.role === "generate") throw new ActionError(400, `cannot modify ${node.path}: the generate step runs the cfg's command`);
      if (!canModify(node.state)) throw new ActionError(409, `cannot modify ${node.path} while it is ${node.state}; kill it first`);
      return { kind: "modify", node, command: action.command, env: action.env };
    }
    default: {
      const exhaustive: never = action;
      throw new ActionError(400, `unknown action ${JSON.stringify(exhaustive)}`);
    }
  }
}
