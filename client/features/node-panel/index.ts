export { NodePanel } from "./components/node-panel";
export type { NodePanelProps } from "./components/node-panel";
export { describeImage } from "./components/node-details";
export { envToLines, parseEnvLines, sameEnv } from "./utils/env-lines";
