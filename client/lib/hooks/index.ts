export { useNow } from "./use-now";
export { useStableCallback } from "./use-stable-callback";
