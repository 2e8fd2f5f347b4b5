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
