export { Button } from "./button";
export { ConfirmDialog } from "./confirm-dialog";
export type { ConfirmDialogProps } from "./confirm-dialog";
export { ErrorAlert } from "./error-alert";
export { Spinner } from "./spinner";
export { StateBadge } from "./state-badge";
export { STATE_STYLES } from "./state-style";
export type { StateStyle } from "./state-style";
