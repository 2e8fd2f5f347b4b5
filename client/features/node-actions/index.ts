export { NodeActionMenu } from "./components/node-action-menu";
export type { NodeActionMenuProps } from "./components/node-action-menu";
export { useActionRunner } from "./hooks/use-action-runner";
export type { ActionRunner } from "./hooks/use-action-runner";
export { useNodeAction } from "./hooks/use-node-action";
export { nodeActionAvailability } from "./utils/action-availability";
export type { Availability, NodeActionTarget } from "./utils/action-availability";
export { actionLabel, confirmTitle, describeAction, needsConfirmation } from "./utils/action-labels";
