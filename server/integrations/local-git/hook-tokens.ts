import crypto from "node:crypto";
import type { Db } from "../../store/database";

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/**
 * Per-hook tokens: `baton hook install` asks for one bound to the repository's path, and the
 * hook sends it. It lets its holder report changes of that one repository, nothing else; only
 * its hash is stored.
 */
export class HookTokens {
  constructor(private readonly db: Db) {}

  issue(repoPath: string): string {
    const token = `bhk_${crypto.randomBytes(32).toString("base64url")}`;
    this.db.prepare(`INSERT INTO hook_tokens (id_hash, repo_path, created_at) VALUES (?, ?, ?)`).run(sha256(token), repoPath, Date.now());
    return token;
  }

  /** Whether `token` was issued for `repoPath`. */
  allows(token: string, repoPath: string): boolean {
    if (!token.startsWith("bhk_")) return false;
    const row = this.db.prepare(`SELECT repo_path FROM hook_tokens WHERE id_hash = ?`).get(sha256(token)) as { repo_path: string } | undefined;
    if (!row || row.repo_path !== repoPath) return false;
    this.db.prepare(`UPDATE hook_tokens SET last_used_at = ? WHERE id_hash = ?`).run(Date.now(), sha256(token));
    return true;
  }
}
