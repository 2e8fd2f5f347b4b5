import { Router, type Request, type Response } from "express";
import { PasswordChange, SignInRequest, type SessionInfo } from "../../shared/api/api-contract";
import { HttpError, parseWith } from "./api-errors";
import { expiredSessionCookie, sessionCookie, type Auth } from "./auth";
import type { LoginThrottle } from "./login-throttle";
import { hashPassword, verifyPassword } from "./password-hashing";

function throttleKeys(req: Request, name: string): string[] {
  return [`address:${req.ip ?? req.socket.remoteAddress ?? "unknown"}`, `user:${name.toLowerCase()}`];
}

function setSession(req: Request, res: Response, session: string): void {
  res.setHeader("set-cookie", sessionCookie(session, req.secure));
}

/**
 * `POST /api/session`, mounted before authentication: a user name and password for a session
 * cookie. Wrong passwords count against the address and the name (LoginThrottle); past the
 * limit every attempt is 429 with Retry-After, the right password included.
 */
export function signInRouter(auth: Auth, throttle: LoginThrottle): Router {
  const router = Router();
  router.post("/session", async (req, res) => {
    const { name, password } = parseWith(SignInRequest, req.body, "sign-in");
    const keys = throttleKeys(req, name);
    const wait = throttle.retryAfterMs(keys);
    if (wait > 0) {
      res.setHeader("retry-after", String(Math.ceil(wait / 1000)));
      throw new HttpError(429, "too_many_attempts", `too many wrong passwords; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const user = auth.users.findByName(name);
    if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user) {
      throttle.recordFailure(keys);
      throw new HttpError(401, "unauthorized", "wrong user name or password");
    }
    setSession(req, res, auth.startSession(user));
    const body: SessionInfo = { user: { name: user.name, role: user.role } };
    res.json(body);
  });
  return router;
}

/** `/api/session` behind authentication: who am I, sign out, change my password. */
export function sessionRouter(auth: Auth, throttle: LoginThrottle): Router {
  const router = Router();

  router.get("/", (req, res) => {
    const body: SessionInfo = { user: req.principal! };
    res.json(body);
  });

  router.delete("/", (req, res) => {
    auth.signOut(req.headers.cookie);
    res.setHeader("set-cookie", expiredSessionCookie(req.secure));
    res.status(204).end();
  });

  /** Ends every session of the user (other browsers and stolen cookies alike); this browser gets a new one. */
  router.put("/password", async (req, res) => {
    const change = parseWith(PasswordChange, req.body, "password change");
    if (req.authenticatedBy !== "session") throw new HttpError(400, "not_a_user", "an API token has no password; sign in as a user to change yours");
    const user = auth.users.findByName(req.principal!.name);
    if (!user) throw new HttpError(401, "unauthorized", "sign in again");
    const keys = throttleKeys(req, user.name);
    const wait = throttle.retryAfterMs(keys);
    if (wait > 0) {
      res.setHeader("retry-after", String(Math.ceil(wait / 1000)));
      throw new HttpError(429, "too_many_attempts", `too many wrong passwords; try again in ${Math.ceil(wait / 1000)} s`);
    }
    if (!(await verifyPassword(user.passwordHash, change.currentPassword))) {
      throttle.recordFailure(keys);
      throw new HttpError(403, "wrong_password", "the current password is not right");
    }
    auth.users.setPassword(user.id, await hashPassword(change.newPassword));
    setSession(req, res, auth.startSession(auth.users.get(user.id)!));
    res.status(204).end();
  });

  return router;
}
