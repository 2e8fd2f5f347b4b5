import { useEffect, useState } from "react";
import type { ReactNode } from "react";
import { io } from "socket.io-client";
import { useSession } from "../../features/sign-in";
import { SocketContext } from "../../lib/socket";
import type { BatonSocket } from "../../lib/socket";

/**
 * The app's one Socket.IO connection: created once with `autoConnect: false`, connected while
 * signed in (the session cookie authenticates it), disconnected on sign-out.
 */
export function SocketProvider({ children }: { children: ReactNode }) {
  const [socket] = useState<BatonSocket>(() => io({ autoConnect: false, withCredentials: true }));
  const { session, recheck } = useSession();
  const signedIn = session.status === "signedIn";

  useEffect(() => {
    if (!signedIn) return;
    socket.connect();
    let lastRecheck = 0;
    // A refused handshake may mean the session expired: ask the API, which signs out on a 401.
    const onConnectError = () => {
      if (Date.now() - lastRecheck < 10_000) return;
      lastRecheck = Date.now();
      recheck();
    };
    socket.on("connect_error", onConnectError);
    return () => {
      socket.off("connect_error", onConnectError);
      socket.disconnect();
    };
  }, [socket, signedIn, recheck]);

  return <SocketContext.Provider value={socket}>{children}</SocketContext.Provider>;
}
