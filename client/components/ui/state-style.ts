import type { NodeState } from "../../../shared/pipeline/node-state";

/**
 * The colour of each state, everywhere: pending grey, queued slate, running blue (pulsing), done
 * green, error red, killed orange, worker_error purple. Class names are written out in full so
 * Tailwind finds them. The graph's cards use the same palette from styles.css, keyed by data
 * attributes so that a state change needs no render.
 */
export interface StateStyle {
  label: string;
  /** A pill: background and text. */
  badge: string;
  /** A small dot. */
  dot: string;
}

export const STATE_STYLES: Record<NodeState, StateStyle> = {
  pending: {
    label: "pending",
    badge: "bg-gray-100 text-gray-700 ring-gray-300",
    dot: "bg-gray-400",
  },
  queued: {
    label: "queued",
    badge: "bg-slate-200 text-slate-800 ring-slate-400",
    dot: "bg-slate-500",
  },
  running: {
    label: "running",
    badge: "bg-blue-100 text-blue-800 ring-blue-300",
    dot: "bg-blue-500 baton-pulse",
  },
  done: {
    label: "done",
    badge: "bg-green-100 text-green-800 ring-green-300",
    dot: "bg-green-500",
  },
  error: {
    label: "error",
    badge: "bg-red-100 text-red-800 ring-red-300",
    dot: "bg-red-500",
  },
  killed: {
    label: "killed",
    badge: "bg-orange-100 text-orange-800 ring-orange-300",
    dot: "bg-orange-500",
  },
  worker_error: {
    label: "worker error",
    badge: "bg-purple-100 text-purple-800 ring-purple-300",
    dot: "bg-purple-500",
  },
};

