import { createContext, useContext } from "react";
import type { Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../../shared/api/socket-events";

export type BatonSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const SocketContext = createContext<BatonSocket | null>(null);

/** The app's one socket (connected while signed in). */
export function useSocket(): BatonSocket {
  const socket = useContext(SocketContext);
  if (!socket) throw new Error("useSocket must be used inside SocketProvider");
  return socket;
}
