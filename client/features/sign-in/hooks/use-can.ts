import { roleCan, type Capability } from "../../../../shared/api/roles";
import { useSession } from "./session-context";

/**
 * Whether the signed-in user's role has a capability, for showing only the controls it may use
 * (the server checks again). While the session is being checked nothing beyond reading is shown.
 */
export function useCan(capability: Capability): boolean {
  const { session } = useSession();
  return session.status === "signedIn" && roleCan(session.user.role, capability);
}
