import { hash, hashSync, verify } from "@node-rs/argon2";

/**
 * Passwords as argon2id PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`), the OWASP baseline
 * parameters and the library's defaults; the parameters travel inside each hash.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** For start-up, before the server listens. */
export function hashPasswordSync(password: string): string {
  return hashSync(password);
}

/** A hash to verify against when the user does not exist, so that the answer takes as long. */
let decoy: string | undefined;

/** Whether `password` matches `stored`; a missing user costs one verification too. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  decoy ??= await hash("decoy password, never anyone's");
  try {
    const ok = await verify(stored ?? decoy, password);
    return stored !== null && ok;
  } catch {
    return false;
  }
}
