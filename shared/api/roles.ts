import type { Role } from "./api-contract";

/**
 * What a role may do, for the server's checks and the client's controls alike:
 * `read` pipelines and logs, `operate` them (launch, rerun, rerunFailed, skip, unskip, kill,
 * modify), `administer` settings (repositories, deliveries, users, tokens, secrets).
 */
export type Capability = "read" | "operate" | "administer";

export function roleCan(role: Role, capability: Capability): boolean {
  switch (role) {
    case "admin":
      return true;
    case "operator":
      return capability !== "administer";
    case "viewer":
      return capability === "read";
    default: {
      const never: never = role;
      return never;
    }
  }
}

/** The roles that have a capability, for `requireRole(...)`. */
export function rolesThatCan(capability: Capability): Role[] {
  return (["admin", "operator", "viewer"] as const).filter((role) => roleCan(role, capability));
}
