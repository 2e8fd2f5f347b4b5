import { useState } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router/dom";
import { Spinner } from "../components/ui";
import { SessionProvider, SignInPage, useSession } from "../features/sign-in";
import { createQueryClient } from "./providers/query-client";
import { SocketProvider } from "./providers/socket-provider";
import { router } from "./router";

function SessionGate() {
  const { session } = useSession();
  if (session.status === "checking") {
    return (
      <div className="flex h-screen items-center justify-center">
        <Spinner />
      </div>
    );
  }
  if (session.status === "signedOut") return <SignInPage />;
  return <RouterProvider router={router} />;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
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
