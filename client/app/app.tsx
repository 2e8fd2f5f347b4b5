import { useEffect, useState } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router/dom";
import { layoutClient } from "../features/pipeline-graph";
import { SessionProvider, SignInPage, useSession } from "../features/sign-in";
import { createQueryClient } from "./providers/query-client";
import { SocketProvider } from "./providers/socket-provider";
import { router } from "./router";

/**
 * While the session is being checked the app renders optimistically, so that a page's own requests
 * start at once; if the session turns out to be missing, their 401 (or the check's) shows sign-in.
 */
function SessionGate() {
  const { session } = useSession();
  if (session.status === "signedOut") return <SignInPage />;
  return <RouterProvider router={router} />;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  // Load the layout worker and ELK while the first page fetches, not after.
  useEffect(() => layoutClient.warmUp(), []);
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <SocketProvider>
          <SessionGate />
        </SocketProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
