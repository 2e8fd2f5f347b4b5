import { useEffect, useState } from "react";
import { useSocket } from "../../lib/socket";

/** A small live/offline indicator: when offline, the pages fall back to their slow refetch. */
export function ConnectionStatus() {
  const socket = useSocket();
  const [connected, setConnected] = useState(socket.connected);
  useEffect(() => {
    const update = () => setConnected(socket.connected);
    socket.on("connect", update);
    socket.on("disconnect", update);
    update();
    return () => {
      socket.off("connect", update);
      socket.off("disconnect", update);
    };
  }, [socket]);
  return (
    <span data-testid="connection-status" data-connected={String(connected)} className="inline-flex items-center gap-1.5 text-xs">
      <span className={`h-2 w-2 rounded-full ${connected ? "bg-green-500" : "bg-amber-400"}`} aria-hidden="true" />
      {connected ? "live" : "reconnecting…"}
    </span>
  );
}
