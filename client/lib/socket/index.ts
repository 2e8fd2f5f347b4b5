export { SocketContext, useSocket } from "./socket-context";
export type { BatonSocket } from "./socket-context";
