export { SessionProvider } from "./components/session-provider";
export { SignInPage } from "./components/sign-in-page";
export { UserMenu } from "./components/user-menu";
export { useSession } from "./hooks/session-context";
export { useCan } from "./hooks/use-can";
export type { SessionContextValue, SessionState, SessionUser } from "./hooks/session-context";
