import type { SecretView } from "../../../shared/api/secrets";
import type { Db } from "../../store/database";
import type { SecretBox } from "../repositories/secret-box";
import { SecretMasker } from "./secret-masker";

interface SecretRow {
  id: number;
  repository_id: number | null;
  name: string;
  value: string;
  created_at: number;
  updated_at: number;
  updated_by: string | null;
}

/** What a pipeline's nodes get: the variables, and the masker of their values for its logs. */
export interface ResolvedSecrets {
  env: Record<string, string>;
  masker: SecretMasker | null;
}

const NONE: ResolvedSecrets = { env: {}, masker: null };

/** The SecretBox purpose of a value: bound to its scope and name, so a ciphertext moved to another row does not open. */
const purposeOf = (repositoryId: number | null, name: string) => `secret:${repositoryId ?? "global"}:${name}`;

function toView(row: SecretRow): SecretView {
  return {
    name: row.name,
    scope: row.repository_id === null ? "global" : "repository",
    repositoryId: row.repository_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/**
 * Global and per-repository secrets in SQLite, each value sealed by the SecretBox (AES-256-GCM).
 * Values leave this class only through `resolve`, towards the engine that puts them in a
 * node's environment and masks them in its log; listing gives names and times.
 */
export class SecretStore {
  /** Decrypted secrets per repository, with the rows' ids and times they came from. */
  private readonly resolved = new Map<number, { stamp: string; secrets: ResolvedSecrets }>();

  /** Read at every attempt's start: prepared once. */
  private readonly statements;

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {
    this.statements = {
      repositoryExists: db.prepare(`SELECT 1 FROM repositories WHERE id = ?`),
      ofRepository: db.prepare(`SELECT * FROM secrets WHERE repository_id IS NULL OR repository_id = ? ORDER BY repository_id IS NOT NULL, name`),
    };
  }

  /** The global secrets (repositoryId null) or one repository's, by name. */
  list(repositoryId: number | null): SecretView[] {
    const rows = this.db
      .prepare(`SELECT * FROM secrets WHERE ${repositoryId === null ? "repository_id IS NULL" : "repository_id = ?"} ORDER BY name`)
      .all(...(repositoryId === null ? [] : [repositoryId])) as SecretRow[];
    return rows.map(toView);
  }

  /** Creates or overwrites a secret. */
  set(repositoryId: number | null, name: string, value: string, by: string | null): SecretView {
    const now = Date.now();
    const sealed = this.box.seal(value, purposeOf(repositoryId, name));
    this.db
      .prepare(
        `INSERT INTO secrets (repository_id, name, value, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (IFNULL(repository_id, 0), name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(repositoryId, name, sealed, now, now, by);
    const row = this.db
      .prepare(`SELECT * FROM secrets WHERE IFNULL(repository_id, 0) = ? AND name = ?`)
      .get(repositoryId ?? 0, name) as SecretRow;
    return toView(row);
  }

  /** Deletes a secret; false when there was none of that name. */
  delete(repositoryId: number | null, name: string): boolean {
    const result = this.db.prepare(`DELETE FROM secrets WHERE IFNULL(repository_id, 0) = ? AND name = ?`).run(repositoryId ?? 0, name);
    return result.changes > 0;
  }

  /**
   * The secrets a pipeline of this repository gets: the global ones, and the repository's own,
   * which win over a global one of the same name; nothing once the repository is deleted. Read at every call (a change, or a deleted
   * repository, applies to the next attempt); decrypted again only when the rows changed.
   * Throws SecretUnreadable when a value cannot be decrypted (the key changed).
   */
  resolve(repositoryId: number): ResolvedSecrets {
    // A deleted repository's pipelines (a rerun) get nothing, not even the global secrets.
    if (this.statements.repositoryExists.get(repositoryId) === undefined) return NONE;
    const rows = this.statements.ofRepository.all(repositoryId) as SecretRow[];
    if (rows.length === 0) return NONE;
    // Each sealing draws a fresh IV: the ciphertexts' IVs tell whether any value changed.
    const stamp = rows.map((row) => `${row.id}:${row.value.split(":", 2)[1] ?? ""}`).join(",");
    const cached = this.resolved.get(repositoryId);
    if (cached?.stamp === stamp) return cached.secrets;
    const env: Record<string, string> = {};
    for (const row of rows) env[row.name] = this.box.open(row.value, purposeOf(row.repository_id, row.name));
    const secrets: ResolvedSecrets = { env, masker: SecretMasker.of(Object.values(env)) };
    this.resolved.set(repositoryId, { stamp, secrets });
    return secrets;
  }
}
