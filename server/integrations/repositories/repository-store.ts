import crypto from "node:crypto";
import type { RepositoryCreate, RepositoryEvent, RepositoryUpdate } from "../../../shared/api/repositories";
import type { Db } from "../../store/database";
import type { SecretBox } from "./secret-box";

export interface RepositoryRecord {
  id: number;
  /** `owner/repo`. */
  name: string;
  cloneUrl: string;
  defaultBranch: string;
  events: RepositoryEvent[];
  apiBaseUrl: string;
  hasToken: boolean;
  createdAt: number;
  updatedAt: number;
  secretRotatedAt: number;
}

interface RepositoryRow {
  id: number;
  name: string;
  clone_url: string;
  default_branch: string;
  events: string;
  api_base_url: string;
  webhook_secret: string;
  access_token: string | null;
  created_at: number;
  updated_at: number;
  secret_rotated_at: number;
}

/** A repository of that name exists already (names are unique, ignoring case). */
export class DuplicateRepository extends Error {
  override name = "DuplicateRepository";
}

function toRecord(row: RepositoryRow): RepositoryRecord {
  return {
    id: row.id,
    name: row.name,
    cloneUrl: row.clone_url,
    defaultBranch: row.default_branch,
    events: JSON.parse(row.events) as RepositoryEvent[],
    apiBaseUrl: row.api_base_url,
    hasToken: row.access_token !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    secretRotatedAt: row.secret_rotated_at,
  };
}

/** A new webhook secret: 32 random bytes, URL-safe. */
function newWebhookSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

const secretPurpose = (id: number) => `repository:${id}:webhook_secret`;
const tokenPurpose = (id: number) => `repository:${id}:access_token`;

/**
 * Repositories as data (SQLite). The webhook secret and the access token are stored sealed by
 * the SecretBox and only ever leave this class decrypted towards HMAC checks, git and the
 * statuses API; the secret is returned in clear once, at creation and at rotation.
 */
export class RepositoryStore {
  /** Every repository by lower-cased name: the webhook receiver looks one up per delivery. */
  private byName: Map<string, RepositoryRecord> | null = null;
  private readonly secrets = new Map<number, Buffer>();

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  list(): RepositoryRecord[] {
    return [...this.index().values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): RepositoryRecord | null {
    for (const record of this.index().values()) if (record.id === id) return record;
    return null;
  }

  findByName(name: string): RepositoryRecord | null {
    return this.index().get(name.toLowerCase()) ?? null;
  }

  create(input: RepositoryCreate): { record: RepositoryRecord; webhookSecret: string } {
    const secret = newWebhookSecret();
    const now = Date.now();
    const id = this.db.transaction(() => {
      if (this.db.prepare(`SELECT 1 FROM repositories WHERE name = ?`).get(input.name)) {
        throw new DuplicateRepository(`a repository named ${input.name} exists already`);
      }
      const inserted = this.db
        .prepare(
          `INSERT INTO repositories (name, clone_url, default_branch, events, api_base_url, webhook_secret, access_token, created_at, updated_at, secret_rotated_at)
           VALUES (?, ?, ?, ?, ?, '', NULL, ?, ?, ?)`,
        )
        .run(input.name, input.cloneUrl, input.defaultBranch, JSON.stringify(dedupe(input.events)), input.apiBaseUrl, now, now, now);
      const newId = Number(inserted.lastInsertRowid);
      this.db
        .prepare(`UPDATE repositories SET webhook_secret = ?, access_token = ? WHERE id = ?`)
        .run(this.box.seal(secret, secretPurpose(newId)), input.accessToken ? this.box.seal(input.accessToken, tokenPurpose(newId)) : null, newId);
      return newId;
    })();
    this.invalidate(id);
    return { record: this.get(id)!, webhookSecret: secret };
  }

  update(id: number, patch: RepositoryUpdate): RepositoryRecord | null {
    const current = this.get(id);
    if (!current) return null;
    this.db.transaction(() => {
      if (patch.name !== undefined && patch.name.toLowerCase() !== current.name.toLowerCase()) {
        if (this.db.prepare(`SELECT 1 FROM repositories WHERE name = ? AND id != ?`).get(patch.name, id)) {
          throw new DuplicateRepository(`a repository named ${patch.name} exists already`);
        }
      }
      const sets: string[] = ["updated_at = ?"];
      const values: unknown[] = [Date.now()];
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = ?`);
        values.push(value);
      };
      if (patch.name !== undefined) set("name", patch.name);
      if (patch.cloneUrl !== undefined) set("clone_url", patch.cloneUrl);
      if (patch.defaultBranch !== undefined) set("default_branch", patch.defaultBranch);
      if (patch.events !== undefined) set("events", JSON.stringify(dedupe(patch.events)));
      if (patch.apiBaseUrl !== undefined) set("api_base_url", patch.apiBaseUrl);
      if (patch.accessToken !== undefined) set("access_token", patch.accessToken === null ? null : this.box.seal(patch.accessToken, tokenPurpose(id)));
      this.db.prepare(`UPDATE repositories SET ${sets.join(", ")} WHERE id = ?`).run(...values, id);
    })();
    this.invalidate(id);
    return this.get(id);
  }

  /** A new webhook secret; the old one stops verifying at once. */
  rotateSecret(id: number): string | null {
    const secret = newWebhookSecret();
    const now = Date.now();
    const changed = this.db
      .prepare(`UPDATE repositories SET webhook_secret = ?, secret_rotated_at = ?, updated_at = ? WHERE id = ?`)
      .run(this.box.seal(secret, secretPurpose(id)), now, now, id).changes;
    this.invalidate(id);
    return changed > 0 ? secret : null;
  }

  delete(id: number): boolean {
    const changed = this.db.prepare(`DELETE FROM repositories WHERE id = ?`).run(id).changes;
    this.invalidate(id);
    return changed > 0;
  }

  /** The webhook secret's bytes, for HMAC (decrypted once, then kept in memory). */
  webhookSecret(id: number): Buffer {
    const cached = this.secrets.get(id);
    if (cached) return cached;
    const row = this.db.prepare(`SELECT webhook_secret FROM repositories WHERE id = ?`).get(id) as { webhook_secret: string } | undefined;
    if (!row) throw new Error(`no repository ${id}`);
    const secret = Buffer.from(this.box.open(row.webhook_secret, secretPurpose(id)), "utf8");
    this.secrets.set(id, secret);
    return secret;
  }

  accessToken(id: number): string | null {
    const row = this.db.prepare(`SELECT access_token FROM repositories WHERE id = ?`).get(id) as { access_token: string | null } | undefined;
    if (!row || row.access_token === null) return null;
    return this.box.open(row.access_token, tokenPurpose(id));
  }

  private index(): Map<string, RepositoryRecord> {
    if (!this.byName) {
      const rows = this.db.prepare(`SELECT * FROM repositories`).all() as RepositoryRow[];
      this.byName = new Map(rows.map((row) => [row.name.toLowerCase(), toRecord(row)]));
    }
    return this.byName;
  }

  private invalidate(id: number): void {
    this.byName = null;
    this.secrets.delete(id);
  }
}

function dedupe<T>(values: T[]): T[] {
  return [...new Set(values)];
}
