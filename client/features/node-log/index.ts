export { NodeLog } from "./components/node-log";
export type { NodeLogProps } from "./components/node-log";
export { logDownloadUrl } from "./api/log-api";
export type { LogTarget } from "./api/log-api";
