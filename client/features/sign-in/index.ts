export { SessionProvider } from "./components/session-provider";
export { SignInPage } from "./components/sign-in-page";
export { useSession } from "./hooks/session-context";
export type { SessionContextValue, SessionState, SessionUser } from "./hooks/session-context";
