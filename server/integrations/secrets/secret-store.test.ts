import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../store/database";
import { SecretBox, SecretUnreadable } from "../repositories/secret-box";
import { SecretStore } from "./secret-store";

let dir: string;
let db: Db;
let store: SecretStore;

function addRepository(name: string): number {
  const now = Date.now();
  const result = db
    .prepare(
      `INSERT INTO repositories (name, clone_url, default_branch, events, api_base_url, webhook_secret, created_at, updated_at, secret_rotated_at)
       VALUES (?, '/tmp/x', 'main', '[]', 'https://api.github.com', 'v1:x:y:z', ?, ?, ?)`,
    )
    .run(name, now, now, now);
  return Number(result.lastInsertRowid);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-secrets-"));
  db = openDatabase(dir);
  store = new SecretStore(db, SecretBox.open(dir, undefined));
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SecretStore", () => {
  it("gives a repository the global secrets and its own, its own winning over a global one of the same name", () => {
    const a = addRepository("acme/a");
    const b = addRepository("acme/b");
    store.set(null, "SHARED", "global-value", "user:admin");
    store.set(null, "TOKEN", "global-token", null);
    store.set(a, "TOKEN", "a-token", null);
    store.set(b, "B_ONLY", "b-value", null);
    expect(store.resolve(a).env).toEqual({ SHARED: "global-value", TOKEN: "a-token" });
    expect(store.resolve(b).env).toEqual({ SHARED: "global-value", TOKEN: "global-token", B_ONLY: "b-value" });
    expect(store.list(null).map((s) => s.name)).toEqual(["SHARED", "TOKEN"]);
    expect(store.list(a)).toMatchObject([{ name: "TOKEN", scope: "repository", repositoryId: a }]);
  });

  it("reads changes at the next call, and gives a deleted repository's pipelines nothing", () => {
    const a = addRepository("acme/a");
    store.set(a, "KEY", "first-value", null);
    const first = store.resolve(a);
    expect(store.resolve(a)).toBe(first);
    store.set(a, "KEY", "second-value", null);
    expect(store.resolve(a).env).toEqual({ KEY: "second-value" });
    expect(store.delete(a, "KEY")).toBe(true);
    expect(store.delete(a, "KEY")).toBe(false);
    expect(store.resolve(a).env).toEqual({});
    store.set(null, "GLOBAL", "global-value", null);
    store.set(a, "KEY", "third-value", null);
    db.prepare("DELETE FROM repositories WHERE id = ?").run(a);
    expect(store.resolve(a).env).toEqual({});
    expect(store.list(a)).toEqual([]);
  });

  it("stores values sealed and bound to their row: a ciphertext copied to another secret does not open", () => {
    const a = addRepository("acme/a");
    store.set(null, "ONE", "value-one", null);
    store.set(a, "TWO", "value-two", null);
    const rows = db.prepare("SELECT name, value FROM secrets").all() as { name: string; value: string }[];
    for (const row of rows) expect(row.value).not.toContain("value-");
    const one = rows.find((r) => r.name === "ONE")!.value;
    db.prepare("UPDATE secrets SET value = ? WHERE name = 'TWO'").run(one);
    expect(() => store.resolve(a)).toThrow(SecretUnreadable);
  });
});
