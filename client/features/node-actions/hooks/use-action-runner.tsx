import { useCallback, useMemo, useState } from "react";
import type { ReactNode } from "react";
import type { NodeAction } from "../../../../shared/api/node-actions";
import { ConfirmDialog } from "../../../components/ui";
import { actionLabel, confirmTitle, describeAction, needsConfirmation } from "../utils/action-labels";
import { useNodeAction } from "./use-node-action";

export interface ActionRunner {
  /** Runs an action, after a confirmation for those that need one. */
  request: (action: NodeAction) => void;
  /** The last action sent and how it went. */
  last: { action: NodeAction; error: Error | null; pending: boolean } | null;
  dismissError: () => void;
  /** The confirmation dialog; render it once. */
  dialog: ReactNode;
}

export function useActionRunner(pipelineId: string): ActionRunner {
  const mutation = useNodeAction(pipelineId);
  const [confirming, setConfirming] = useState<NodeAction | null>(null);
  const [sent, setSent] = useState<NodeAction | null>(null);
  const { mutate, reset } = mutation;

  const send = useCallback(
    (action: NodeAction) => {
      setSent(action);
      mutate(action);
    },
    [mutate],
  );

  const request = useCallback(
    (action: NodeAction) => {
      if (needsConfirmation(action.action)) setConfirming(action);
      else send(action);
    },
    [send],
  );

  const dialog = (
    <ConfirmDialog
      open={confirming !== null}
      title={confirming ? confirmTitle(confirming) : ""}
      confirmLabel={confirming ? (confirming.action === "kill" && confirming.path === "/" ? "Kill all" : actionLabel(confirming.action)) : ""}
      danger={confirming?.action === "kill"}
      onCancel={() => setConfirming(null)}
      onConfirm={() => {
        if (confirming) send(confirming);
        setConfirming(null);
      }}
    >
      {confirming ? describeAction(confirming) : null}
    </ConfirmDialog>
  );

  const last = useMemo(
    () => (sent ? { action: sent, error: mutation.error, pending: mutation.isPending } : null),
    [sent, mutation.error, mutation.isPending],
  );
  const dismissError = useCallback(() => reset(), [reset]);
  return { request, last, dismissError, dialog };
}
