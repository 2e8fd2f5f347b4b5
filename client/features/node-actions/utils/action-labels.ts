import type { NodeAction, NodeActionName } from "../../../../shared/api/node-actions";

function unreachable(value: never): never {
  throw new Error(`unknown node action ${String(value)}`);
}

/** The button label of each action; a new action is a compile error here until it has one. */
export function actionLabel(name: NodeActionName): string {
  switch (name) {
    case "rerun":
      return "Rerun";
    case "rerunFailed":
      return "Rerun failed";
    case "skip":
      return "Skip";
    case "unskip":
      return "Unskip";
    case "kill":
      return "Kill";
    case "modify":
      return "Save and rerun";
    default:
      return unreachable(name);
  }
}

/** Actions that throw work away ask first; skip and unskip undo each other and do not. */
export function needsConfirmation(name: NodeActionName): boolean {
  switch (name) {
    case "rerun":
    case "rerunFailed":
    case "kill":
      return true;
    case "skip":
    case "unskip":
    case "modify":
      return false;
    default:
      return unreachable(name);
  }
}

/** One sentence saying what the action will do, for its confirmation. */
export function describeAction(action: NodeAction): string {
  switch (action.action) {
    case "rerun":
      return action.path === "/"
        ? "Every node of the pipeline goes back to pending and runs again. Earlier attempts are kept."
        : `Every node under ${action.path} goes back to pending and runs again. Earlier attempts are kept.`;
    case "rerunFailed":
      return "Every failed node of the pipeline runs again.";
    case "skip":
      return `The pending nodes under ${action.path} will not run.`;
    case "unskip":
      return `The nodes under ${action.path} will run again when their turn comes.`;
    case "kill":
      return action.path === "/"
        ? "Every running node of the pipeline is stopped (SIGTERM, then SIGKILL after 10 s); queued ones will not run."
        : `The running nodes under ${action.path} are stopped (SIGTERM, then SIGKILL after 10 s); queued ones will not run.`;
    case "modify":
      return `${action.path} gets the new command and environment, then runs again.`;
    default:
      return unreachable(action);
  }
}

/** The dialog title of an action: "Rerun /build?", "Kill all?". */
export function confirmTitle(action: NodeAction): string {
  if (action.action === "kill" && action.path === "/") return "Kill all running nodes?";
  if (action.action === "rerunFailed") return "Rerun the failed nodes?";
  return `${actionLabel(action.action)} ${action.path}?`;
}
