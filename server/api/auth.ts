import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RequestHandler } from "express";
import type { SessionInfo } from "../../shared/api/api-contract";
import type { Db } from "../store/database";
import { HttpError } from "./api-errors";

export const SESSION_COOKIE = "baton_session";
const SESSION_TTL_MS = 14 * 24 * 3_600_000;

export type Principal = SessionInfo["user"];

declare module "express-serve-static-core" {
  interface Request {
    principal?: Principal;
  }
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return crypto.timingSafeEqual(x, y);
}

/**
 * Who may use the API: the admin token (BATON_ADMIN_TOKEN, or one generated into the data dir
 * on first start and printed), as a Bearer header or exchanged for a session cookie.
 */
export class Auth {
  readonly adminToken: string;
  readonly generated: boolean;

  constructor(
    private readonly db: Db,
    dataDir: string,
    adminToken: string | undefined,
  ) {
    const file = path.join(dataDir, "admin-token");
    if (adminToken) {
      this.adminToken = adminToken;
      this.generated = false;
    } else if (fs.existsSync(file)) {
      this.adminToken = fs.readFileSync(file, "utf8").trim();
      this.generated = false;
    } else {
      this.adminToken = crypto.randomBytes(24).toString("base64url");
      fs.writeFileSync(file, `${this.adminToken}\n`, { mode: 0o600 });
      this.generated = true;
    }
  }

  /** The principal a bearer token or a session cookie stands for, or null. */
  identify(authorization: string | undefined, cookieHeader: string | undefined): Principal | null {
    const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (bearer) return sameSecret(bearer, this.adminToken) ? { name: "admin", role: "admin" } : null;
    const session = readCookie(cookieHeader, SESSION_COOKIE);
    if (!session) return null;
    const row = this.db.prepare(`SELECT user_name, role, expires_at FROM sessions WHERE id_hash = ?`).get(sha256(session)) as
      | { user_name: string; role: Principal["role"]; expires_at: number }
      | undefined;
    if (!row || row.expires_at < Date.now()) return null;
    return { name: row.user_name, role: row.role };
  }

  /** Exchanges the token for a session; returns the cookie value. */
  signIn(token: string): { session: string; principal: Principal } {
    if (!sameSecret(token, this.adminToken)) throw new HttpError(401, "unauthorized", "that token is not valid");
    const session = crypto.randomBytes(32).toString("base64url");
    const principal: Principal = { name: "admin", role: "admin" };
    this.db
      .prepare(`INSERT INTO sessions (id_hash, user_name, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`)
      .run(sha256(session), principal.name, principal.role, Date.now(), Date.now() + SESSION_TTL_MS);
    return { session, principal };
  }

  signOut(cookieHeader: string | undefined): void {
    const session = readCookie(cookieHeader, SESSION_COOKIE);
    if (session) this.db.prepare(`DELETE FROM sessions WHERE id_hash = ?`).run(sha256(session));
  }

  /** Refuses a request without a valid token or session (401). */
  required(): RequestHandler {
    return (req, _res, next) => {
      const principal = this.identify(req.headers.authorization, req.headers.cookie);
      if (!principal) return next(new HttpError(401, "unauthorized", "sign in or send Authorization: Bearer <token>"));
      req.principal = principal;
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
