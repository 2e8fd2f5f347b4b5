import type { NodeState } from "../../../shared/pipeline/node-state";

/**
 * The colour of each state, everywhere: pending grey, queued slate, running blue (pulsing), done
 * green, error red, killed orange, worker_error purple. Class names are written out in full so
 * Tailwind finds them.
 */
export interface StateStyle {
  label: string;
  /** A pill: background and text. */
  badge: string;
  /** A small dot. */
  dot: string;
  /** A graph node: border and tinted background. */
  card: string;
  /** A group's frame. */
  frame: string;
}

export const STATE_STYLES: Record<NodeState, StateStyle> = {
  pending: {
    label: "pending",
    badge: "bg-gray-100 text-gray-700 ring-gray-300",
    dot: "bg-gray-400",
    card: "border-gray-300 bg-white",
    frame: "border-gray-300 bg-gray-50/40",
  },
  queued: {
    label: "queued",
    badge: "bg-slate-200 text-slate-800 ring-slate-400",
    dot: "bg-slate-500",
    card: "border-slate-400 bg-slate-100",
    frame: "border-slate-400 bg-slate-100/40",
  },
  running: {
    label: "running",
    badge: "bg-blue-100 text-blue-800 ring-blue-300",
    dot: "bg-blue-500 baton-pulse",
    card: "border-blue-500 bg-blue-50",
    frame: "border-blue-400 bg-blue-50/30",
  },
  done: {
    label: "done",
    badge: "bg-green-100 text-green-800 ring-green-300",
    dot: "bg-green-500",
    card: "border-green-500 bg-green-50",
    frame: "border-green-400 bg-green-50/30",
  },
  error: {
    label: "error",
    badge: "bg-red-100 text-red-800 ring-red-300",
    dot: "bg-red-500",
    card: "border-red-500 bg-red-50",
    frame: "border-red-400 bg-red-50/30",
  },
  killed: {
    label: "killed",
    badge: "bg-orange-100 text-orange-800 ring-orange-300",
    dot: "bg-orange-500",
    card: "border-orange-500 bg-orange-50",
    frame: "border-orange-400 bg-orange-50/30",
  },
  worker_error: {
    label: "worker error",
    badge: "bg-purple-100 text-purple-800 ring-purple-300",
    dot: "bg-purple-500",
    card: "border-purple-500 bg-purple-50",
    frame: "border-purple-400 bg-purple-50/30",
  },
};

/** Skipped is a flag beside the state: drawn dashed and faded over the state's colour. */
export const SKIPPED_CARD = "border-dashed opacity-55";
