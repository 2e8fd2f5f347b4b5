import type { NodeState } from "../../../shared/pipeline/node-state";
import { STATE_STYLES } from "./state-style";

export function StateBadge({ state, skipped = false, className = "" }: { state: NodeState; skipped?: boolean; className?: string }) {
  const style = STATE_STYLES[state];
  return (
    <span
      data-testid="state-badge"
      data-state={state}
      data-skipped={String(skipped)}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.badge} ${className}`}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${style.dot}`} aria-hidden="true" />
      {style.label}
      {skipped && <span className="font-normal italic">· skipped</span>}
    </span>
  );
}
