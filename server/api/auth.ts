import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RequestHandler } from "express";
import type { SessionInfo } from "../../shared/api/api-contract";
import type { Db } from "../store/database";
import { HttpError } from "./api-errors";
import { hashPasswordSync } from "./password-hashing";
import { TokenStore, sha256 } from "./token-store";
import { UserStore, type UserRecord } from "./user-store";

export const SESSION_COOKIE = "baton_session";
const SESSION_TTL_MS = 14 * 24 * 3_600_000;
/** The user made on first start. */
export const FIRST_ADMIN = "admin";

export type Principal = SessionInfo["user"];

declare module "express-serve-static-core" {
  interface Request {
    principal?: Principal;
    /** How the principal was established: a Bearer token, or the browser's session cookie. */
    authenticatedBy?: "token" | "session";
  }
}

export interface AuthOptions {
  dataDir: string;
  /** BATON_ADMIN_TOKEN: an admin API token for automation. */
  adminToken: string | undefined;
  /** BATON_ADMIN_PASSWORD: the first admin's password, else a random one printed once. */
  adminPassword: string | undefined;
}

/**
 * Who may use the API: users signed in with a password (a session cookie, its SHA-256 stored per
 * user) and API tokens (`Authorization: Bearer`, stored as SHA-256 with a role). The first start
 * creates the `admin` user; BATON_ADMIN_TOKEN becomes an admin token.
 */
export class Auth {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  /** What start-up did that its log must say (the generated password is never stored in clear). */
  readonly startupNotes: string[] = [];

  constructor(
    private readonly db: Db,
    options: AuthOptions,
  ) {
    this.users = new UserStore(db);
    this.tokens = new TokenStore(db);
    if (this.users.count() === 0) {
      const password = options.adminPassword ?? crypto.randomBytes(18).toString("base64url");
      this.users.create(FIRST_ADMIN, hashPasswordSync(password), "admin");
      this.startupNotes.push(
        options.adminPassword
          ? `created the first user "${FIRST_ADMIN}" (admin) with the password in BATON_ADMIN_PASSWORD`
          : `created the first user "${FIRST_ADMIN}" (admin); its password, shown this once: ${password}`,
      );
    }
    // Sessions of the former token sign-in belong to no user: they never authenticate again.
    db.prepare(`DELETE FROM sessions WHERE user_id IS NULL OR expires_at < ?`).run(Date.now());
    if (options.adminToken) this.tokens.adoptEnvironmentToken(options.adminToken);
    // Earlier versions kept a generated admin token in clear text in the data dir: it becomes a
    // hashed admin token (revocable in Settings → API tokens) and the file goes.
    const legacy = path.join(options.dataDir, "admin-token");
    if (fs.existsSync(legacy)) {
      const secret = fs.readFileSync(legacy, "utf8").trim();
      if (secret) this.tokens.importAdminToken(secret, "admin-token file (imported)");
      fs.rmSync(legacy, { force: true });
      this.startupNotes.push(`imported ${legacy} as an admin API token (stored hashed) and removed the file`);
    }
  }

  /** The principal a bearer token or a session cookie stands for, or null. */
  identify(authorization: string | undefined, cookieHeader: string | undefined): Principal | null {
    return this.authenticate(authorization, cookieHeader)?.principal ?? null;
  }

  authenticate(authorization: string | undefined, cookieHeader: string | undefined): { principal: Principal; by: "token" | "session" } | null {
    const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (bearer) {
      const token = this.tokens.authenticate(bearer);
      return token ? { principal: { name: token.fromEnvironment ? FIRST_ADMIN : token.name, role: token.role }, by: "token" } : null;
    }
    const session = readCookie(cookieHeader, SESSION_COOKIE);
    if (!session) return null;
    const row = this.db
      .prepare(`SELECT users.name AS name, users.role AS role, sessions.expires_at AS expires_at FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id_hash = ?`)
      .get(sha256(session)) as { name: string; role: Principal["role"]; expires_at: number } | undefined;
    if (!row || row.expires_at < Date.now()) return null;
    return { principal: { name: row.name, role: row.role }, by: "session" };
  }

  /** A new session for a user whose password was checked; returns the cookie value. */
  startSession(user: UserRecord): string {
    const session = crypto.randomBytes(32).toString("base64url");
    const now = Date.now();
    this.db.prepare(`DELETE FROM sessions WHERE expires_at < ?`).run(now);
    this.db
      .prepare(`INSERT INTO sessions (id_hash, user_name, role, created_at, expires_at, user_id) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(sha256(session), user.name, user.role, now, now + SESSION_TTL_MS, user.id);
    return session;
  }

  signOut(cookieHeader: string | undefined): void {
    const session = readCookie(cookieHeader, SESSION_COOKIE);
    if (session) this.db.prepare(`DELETE FROM sessions WHERE id_hash = ?`).run(sha256(session));
  }

  /** Refuses a request without a valid token or session (401). */
  required(): RequestHandler {
    return (req, _res, next) => {
      const found = this.authenticate(req.headers.authorization, req.headers.cookie);
      if (!found) return next(new HttpError(401, "unauthorized", "sign in or send Authorization: Bearer <token>"));
      req.principal = found.principal;
      req.authenticatedBy = found.by;
      next();
    };
  }
}

/** Refuses (403) a signed-in principal whose role is not one of `roles`; put after `Auth.required()`. */
export function requireRole(...roles: Principal["role"][]): RequestHandler {
  return (req, _res, next) => {
    const role = req.principal?.role;
    if (!role) return next(new HttpError(401, "unauthorized", "sign in or send Authorization: Bearer <token>"));
    if (!roles.includes(role)) return next(new HttpError(403, "forbidden", `this needs the ${roles.join(" or ")} role; you are ${role}`));
    next();
  };
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}${secure ? "; Secure" : ""}`;
}

/** Tells the browser to drop the session cookie. */
export function expiredSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? "; Secure" : ""}`;
}
