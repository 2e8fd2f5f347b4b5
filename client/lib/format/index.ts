export { formatDuration, formatElapsed, formatRelative, formatTime } from "./format-time";
