import { formatDuration } from "../../../shared/pipeline/duration";

export { formatDuration };

// Made once: toLocaleString with options builds a new formatter at every call (a millisecond each).
const TIME_OF_DAY = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const DAY_AND_TIME = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });

/** "14:03:27" today, "Mar 4 14:03" on another day. Times are epoch milliseconds. */
export function formatTime(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return "—";
  const date = new Date(ms);
  const today = new Date(now);
  const sameDay = date.toDateString() === today.toDateString();
  return (sameDay ? TIME_OF_DAY : DAY_AND_TIME).format(date);
}

/** "12s ago", "5m ago", "3h ago", "2d ago". */
export function formatRelative(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return "—";
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

/** How long something took, or has taken so far when it has not ended. */
export function formatElapsed(start: number | null | undefined, end: number | null | undefined, now = Date.now()): string {
  if (start === null || start === undefined) return "—";
  return formatDuration(Math.max(0, (end ?? now) - start));
}
