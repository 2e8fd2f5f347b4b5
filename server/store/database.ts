import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** Schema migrations, applied in order; a database records how many it has had. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE pipelines (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    ended_at INTEGER,
    state TEXT NOT NULL,
    repo TEXT,
    repo_dir TEXT,
    branch TEXT,
    sha TEXT,
    event TEXT,
    section TEXT,
    trigger TEXT NOT NULL,
    executor TEXT NOT NULL,
    variables TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    live INTEGER NOT NULL DEFAULT 1,
    counts TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX pipelines_created ON pipelines (created_at DESC);
  CREATE INDEX pipelines_live ON pipelines (live) WHERE live = 1;

  CREATE TABLE nodes (
    pipeline_id TEXT NOT NULL,
    path TEXT NOT NULL,
    parent_path TEXT,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    role TEXT,
    spec TEXT NOT NULL,
    state TEXT NOT NULL,
    skipped INTEGER NOT NULL DEFAULT 0,
    halted INTEGER NOT NULL DEFAULT 0,
    awaiting_graft INTEGER NOT NULL DEFAULT 0,
    retries_used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pipeline_id, path)
  ) WITHOUT ROWID;

  CREATE TABLE attempts (
    pipeline_id TEXT NOT NULL,
    path TEXT NOT NULL,
    n INTEGER NOT NULL,
    state TEXT NOT NULL,
    started_at INTEGER,
    ended_at INTEGER,
    exit_code INTEGER,
    trigger TEXT NOT NULL,
    command TEXT,
    message TEXT,
    executor TEXT,
    ref TEXT,
    log_file TEXT NOT NULL,
    line_count INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pipeline_id, path, n)
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // Repository integrations (server/integrations/repositories): secrets and tokens are AES-256-GCM ciphertexts.
  `
  CREATE TABLE repositories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    clone_url TEXT NOT NULL,
    default_branch TEXT NOT NULL,
    events TEXT NOT NULL,
    api_base_url TEXT NOT NULL,
    webhook_secret TEXT NOT NULL,
    access_token TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    secret_rotated_at INTEGER NOT NULL
  );

  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repository_id INTEGER REFERENCES repositories (id) ON DELETE SET NULL,
    repository_name TEXT,
    source TEXT NOT NULL,
    event TEXT NOT NULL,
    action TEXT,
    guid TEXT,
    claim_key TEXT,
    received_at INTEGER NOT NULL,
    finished_at INTEGER,
    http_status INTEGER NOT NULL,
    result TEXT NOT NULL,
    reason TEXT,
    pipelines TEXT NOT NULL DEFAULT '[]',
    body BLOB,
    content_type TEXT,
    redelivery_of INTEGER
  );
  CREATE UNIQUE INDEX deliveries_claim ON deliveries (claim_key);
  CREATE INDEX deliveries_repository ON deliveries (repository_id, id);
  CREATE INDEX deliveries_received ON deliveries (received_at);

  CREATE TABLE commit_statuses (
    pipeline_id TEXT PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    context TEXT NOT NULL,
    state TEXT NOT NULL,
    sent_state TEXT,
    error TEXT,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE hook_tokens (
    id_hash TEXT PRIMARY KEY,
    repo_path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  ) WITHOUT ROWID;
  `,
  // Users, per-user sessions and API tokens (server/api/auth*): passwords argon2id, tokens SHA-256.
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
  );

  ALTER TABLE sessions ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
  CREATE INDEX sessions_user ON sessions (user_id);

  CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  `,
  // Secrets (server/integrations/secrets): global when repository_id is NULL; values are SecretBox ciphertexts.
  `
  CREATE TABLE secrets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repository_id INTEGER REFERENCES repositories (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT
  );
  CREATE UNIQUE INDEX secrets_scope_name ON secrets (IFNULL(repository_id, 0), name);
  `,
  // The delivery a pipeline was launched for, saved with the pipeline: a delivery processed again after a crash finds it.
  `
  ALTER TABLE pipelines ADD COLUMN delivery_id INTEGER;
  CREATE INDEX pipelines_delivery ON pipelines (delivery_id) WHERE delivery_id IS NOT NULL;
  `,
  // The repository a pipeline was launched for, and whether its nodes get secrets ('given', 'withheld', 'none').
  `
  ALTER TABLE pipelines ADD COLUMN repository_id INTEGER;
  ALTER TABLE pipelines ADD COLUMN secrets TEXT NOT NULL DEFAULT 'none';
  `,
];

/** Opens (creating and migrating) the SQLite database under the data dir, in WAL mode. */
export function openDatabase(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, "baton.sqlite"));
  db.pragma("journal_mode = WAL");
  // WAL + NORMAL survives a killed process (the OS has the pages); only a power cut can lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}
