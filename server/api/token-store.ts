import crypto from "node:crypto";
import type { Role, TokenView } from "../../shared/api/api-contract";
import type { Db } from "../store/database";

interface TokenRow {
  id: number;
  name: string;
  token_hash: string;
  role: Role;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** `created_by` of the token that BATON_ADMIN_TOKEN stands for. */
const ENVIRONMENT = "environment";
/** Last-used times are written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 30_000;

export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function view(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    fromEnvironment: row.created_by === ENVIRONMENT,
  };
}

export class TokenFromEnvironment extends Error {}

/**
 * API tokens (`Authorization: Bearer bat_…`): only their SHA-256 is stored — a token is 32
 * random bytes, so a fast hash is enough — with a name, a role, who made it and when it was last
 * used. A revoked token keeps its row (revoked_at) for the record and never authenticates again.
 */
export class TokenStore {
  constructor(private readonly db: Db) {}

  create(name: string, role: Role, createdBy: string): { token: TokenView; secret: string } {
    const secret = `bat_${crypto.randomBytes(32).toString("base64url")}`;
    const { lastInsertRowid } = this.db
      .prepare(`INSERT INTO api_tokens (name, token_hash, role, created_by, created_at) VALUES (?, ?, ?, ?, ?)`)
      .run(name, sha256(secret), role, createdBy, Date.now());
    return { token: this.get(Number(lastInsertRowid))!, secret };
  }

  /** The token BATON_ADMIN_TOKEN stands for: one live row, replaced when the variable changes. */
  adoptEnvironmentToken(secret: string, name = "BATON_ADMIN_TOKEN"): void {
    const hash = sha256(secret);
    this.db.transaction(() => {
      this.db.prepare(`UPDATE api_tokens SET revoked_at = ? WHERE created_by = ? AND token_hash != ? AND revoked_at IS NULL`).run(Date.now(), ENVIRONMENT, hash);
      const existing = this.db.prepare(`SELECT * FROM api_tokens WHERE token_hash = ?`).get(hash) as TokenRow | undefined;
      if (existing) this.db.prepare(`UPDATE api_tokens SET revoked_at = NULL, role = 'admin', created_by = ? WHERE id = ?`).run(ENVIRONMENT, existing.id);
      else this.db.prepare(`INSERT INTO api_tokens (name, token_hash, role, created_by, created_at) VALUES (?, ?, 'admin', ?, ?)`).run(name, hash, ENVIRONMENT, Date.now());
    })();
  }

  /** Imports a clear-text token (the former `admin-token` file) as an admin token, hashed. */
  importAdminToken(secret: string, name: string): void {
    this.db.prepare(`INSERT OR IGNORE INTO api_tokens (name, token_hash, role, created_by, created_at) VALUES (?, ?, 'admin', 'import', ?)`).run(name, sha256(secret), Date.now());
  }

  list(): TokenView[] {
    return (this.db.prepare(`SELECT * FROM api_tokens WHERE revoked_at IS NULL ORDER BY id`).all() as TokenRow[]).map(view);
  }

  get(id: number): TokenView | null {
    const row = this.db.prepare(`SELECT * FROM api_tokens WHERE id = ? AND revoked_at IS NULL`).get(id) as TokenRow | undefined;
    return row ? view(row) : null;
  }

  /** Whether a token was revoked now (false: no such live token). */
  revoke(id: number): boolean {
    const token = this.get(id);
    if (!token) return false;
    if (token.fromEnvironment) throw new TokenFromEnvironment("this token comes from BATON_ADMIN_TOKEN: unset the variable and restart the server to revoke it");
    return this.db.prepare(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`).run(Date.now(), id).changes === 1;
  }

  /** The live token with this clear text, its last-used time brought up to date. */
  authenticate(secret: string): TokenView | null {
    if (secret.length > 500) return null;
    const row = this.db.prepare(`SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`).get(sha256(secret)) as TokenRow | undefined;
    if (!row) return null;
    const now = Date.now();
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
      this.db.prepare(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`).run(now, row.id);
      row.last_used_at = now;
    }
    return view(row);
  }
}
