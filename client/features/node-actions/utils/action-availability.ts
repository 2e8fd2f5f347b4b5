import type { NodeActionName } from "../../../../shared/api/node-actions";
import type { NodeState } from "../../../../shared/pipeline/node-state";
import { canKill, canModify, canRerun, canSkip } from "../../../../shared/pipeline/node-state";
import type { NodeType } from "../../../../shared/pipeline/pipeline-schema";

export interface NodeActionTarget {
  type: NodeType;
  state: NodeState;
  skipped: boolean;
}

export interface Availability {
  enabled: boolean;
  /** Why not, shown as the disabled button's title. */
  reason: string | null;
}

const yes: Availability = { enabled: true, reason: null };
const no = (reason: string): Availability => ({ enabled: false, reason });

/** Whether a per-node control applies to a node now (DESIGN §3), by the shared state predicates. */
export function nodeActionAvailability(name: Exclude<NodeActionName, "rerunFailed">, node: NodeActionTarget): Availability {
  switch (name) {
    case "rerun":
      return canRerun(node.state) ? yes : no(`Cannot rerun while ${node.state}: kill it first`);
    case "kill":
      return canKill(node.state) ? yes : no(`Nothing to kill: the node is ${node.state}`);
    case "skip":
      if (node.skipped) return no("Already skipped");
      return canSkip(node.state) ? yes : no(`Cannot skip while ${node.state}`);
    case "unskip":
      if (!node.skipped) return no("Not skipped");
      return canSkip(node.state) ? yes : no(`Cannot unskip while ${node.state}`);
    case "modify":
      if (node.type !== "exec") return no("Only an Exec node's command can be modified");
      return canModify(node.state) ? yes : no(`Cannot modify while ${node.state}: kill it first`);
  }
}
