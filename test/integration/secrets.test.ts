import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogPage, PipelineDetail } from "../../shared/api/pipeline-views";
import type { RepositoryWithSecret } from "../../shared/api/repositories";
import type { SecretList, SecretView } from "../../shared/api/secrets";
import type { ClientToServerEvents, ServerToClientEvents } from "../../shared/api/socket-events";
import { nodeAt, waitFor } from "../fixtures/engine-harness";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { readLog } from "../fixtures/read-log";
import { addRepository, bareRepo, deliver, detail, example, finished, processed, repoint, type BareRepo } from "../fixtures/webhook-deliveries";

/**
 * Secrets end to end on the real server: real SQLite, real git repositories, signed webhook
 * deliveries (GitHub's own payload examples), the local executor running real shell commands.
 */

const cleanup: string[] = [];
let server: InProcessServer;
let app: BareRepo;
let other: BareRepo;
let appRepo: RepositoryWithSecret;
let otherRepo: RepositoryWithSecret;

const unique = () => crypto.randomBytes(6).toString("hex");
const DEPLOY_TOKEN = `dt-${unique()}-global`;
const APP_KEY = `ak-${unique()}-app`;
const OTHER_KEY = `ok-${unique()}-other`;
const CERT = `-----BEGIN TEST ${unique()}-----\ncert-body-${unique()}\n-----END TEST-----`;
const ALL_VALUES = [DEPLOY_TOKEN, APP_KEY, OTHER_KEY, ...CERT.split("\n")];

const has = (name: string) => `if [ -n "$${name}" ]; then echo has-${name}; else echo no-${name}; fi`;
/** Prints the names and presence of every secret, never a value by itself. */
const REPORT = ["DEPLOY_TOKEN", "APP_KEY", "OTHER_KEY", "CERT"].map(has).join("; ");
/** A generate step that says on stderr whether it saw a secret, then prints the tree. */
const GENERATE = `${has("DEPLOY_TOKEN")} >&2; ${has("APP_KEY")} >&2; cat pipeline.json`;
const CFG = `[push]\ncommand = ${GENERATE}\n\n[pr]\ncommand = ${GENERATE}\n`;

const APP_PIPELINE = {
  type: "parallel",
  name: "app",
  children: [
    { type: "exec", name: "report", command: REPORT },
    { type: "exec", name: "whole", command: 'echo "$DEPLOY_TOKEN"; echo "$APP_KEY" >&2' },
    // The value leaves the process in two writes 0.3 s apart: two chunks for the log.
    { type: "exec", name: "split", command: "printf '%s' \"$DEPLOY_TOKEN\" | head -c 7; sleep 0.3; printf '%s\\n' \"$DEPLOY_TOKEN\" | tail -c +8" },
    { type: "exec", name: "inside", command: 'echo "git clone https://ci:${APP_KEY}@git.example.test/x.git (token ${DEPLOY_TOKEN}.)"' },
    { type: "exec", name: "multiline", command: 'printf "%s\\n" "$CERT"' },
    { type: "exec", name: "env", command: "env | sort" },
    // A pipeline's env of a secret's name does not replace the secret.
    { type: "exec", name: "shadow", env: { DEPLOY_TOKEN: "from-the-pipeline" }, command: '[ "$DEPLOY_TOKEN" = from-the-pipeline ] && echo pipeline-wins || echo secret-wins' },
    // Printed after the live viewer subscribed: whole, split across writes, inside text.
    {
      type: "exec",
      name: "live",
      command: "sleep 1.5; echo \"$DEPLOY_TOKEN\"; printf '%s' \"$APP_KEY\" | head -c 5; sleep 0.3; printf '%s end\\n' \"$APP_KEY\" | tail -c +6; echo \"x${DEPLOY_TOKEN}y\"",
    },
  ],
};
const OTHER_PIPELINE = { type: "exec", name: "report", command: REPORT };

beforeAll(async () => {
  server = await startInProcess();
  app = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": JSON.stringify(APP_PIPELINE) }, cleanup);
  other = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": JSON.stringify(OTHER_PIPELINE) }, cleanup);
  appRepo = await addRepository(server, { name: "acme/app", cloneUrl: app.bare, defaultBranch: "main" });
  otherRepo = await addRepository(server, { name: "acme/other", cloneUrl: other.bare, defaultBranch: "main" });
  const set = async (route: string, value: string) => {
    const answer = await server.api<SecretView>("PUT", route, { value });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  };
  await set("/api/secrets/DEPLOY_TOKEN", DEPLOY_TOKEN);
  await set("/api/secrets/CERT", CERT);
  await set(`/api/repositories/${appRepo.id}/secrets/APP_KEY`, APP_KEY);
  await set(`/api/repositories/${otherRepo.id}/secrets/OTHER_KEY`, OTHER_KEY);
}, 60_000);

afterAll(async () => {
  await server.close();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function expectNoValue(text: string, where: string): void {
  for (const value of ALL_VALUES) expect(text.includes(value), `${where} holds a secret value`).toBe(false);
}

/** A push of a new commit to `repo`'s main; returns the one pipeline it launched. */
async function push(repo: BareRepo, registered: RepositoryWithSecret): Promise<string> {
  const sha = repo.commit({ [`change-${unique()}.txt`]: "x\n" }, "main");
  const payload = repoint(example("push"), registered.name, repo.bare);
  Object.assign(payload, { ref: "refs/heads/main", before: "0".repeat(40), after: sha, deleted: false, created: false });
  payload.head_commit = { ...(payload.head_commit ?? {}), id: sha };
  const answer = await deliver(server, "push", payload, { secret: registered.webhookSecret });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  const view = await processed(server, answer.body.delivery as number);
  expect(view.result, view.reason ?? "").toBe("launched");
  return view.pipelines[0]!.id;
}

/** A pull request from branch `feature` of `repo`, its head in the base repository or in a fork. */
async function pullRequest(repo: BareRepo, registered: RepositoryWithSecret, fork: string | undefined): Promise<string> {
  const sha = repo.commit({ [`pr-${unique()}.txt`]: "x\n" }, `feature-${unique()}`);
  const payload = repoint(example("pull_request", (p) => p.action === "opened"), registered.name, repo.bare, fork ? { fork } : {});
  payload.pull_request.head.sha = sha;
  const answer = await deliver(server, "pull_request", payload, { secret: registered.webhookSecret });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  const view = await processed(server, answer.body.delivery as number);
  expect(view.result, view.reason ?? "").toBe("launched");
  return view.pipelines[0]!.id;
}

function stateOf(found: PipelineDetail, nodePath: string): string | null {
  try {
    return nodeAt(found, nodePath).state;
  } catch {
    return null;
  }
}

const stdoutOf = (id: string, node: string) => readLog(server.baton.config.dataDir, id, node, "stdout");
const stderrOf = (id: string, node: string) => readLog(server.baton.config.dataDir, id, node, "stderr");

describe("acceptance 3: a secret is *** wherever a log is stored, streamed or served, and never in an API answer or the database", () => {
  let id: string;
  let live: string[];

  beforeAll(async () => {
    id = await push(app, appRepo);
    await waitFor(async () => stateOf(await detail(server, id), "/Execute/live") === "running", 20_000, "the live node to run");
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { auth: { token: server.token }, transports: ["websocket"] });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    live = [];
    socket.on("log:lines", (event) => live.push(...event.lines.map((l) => l.text)));
    socket.emit("log:subscribe", { pipelineId: id, path: "/Execute/live", attempt: 1 });
    const done = await finished(server, id);
    expect(done.state, JSON.stringify(done.root)).toBe("done");
    await waitFor(() => live.length >= 3, 3000, "the live lines");
    socket.close();
  }, 60_000);

  it("gives the nodes the global and the repository's secrets, and not to the generate step", () => {
    expect(stdoutOf(id, "/Execute/report")).toEqual(["has-DEPLOY_TOKEN", "has-APP_KEY", "no-OTHER_KEY", "has-CERT"]);
    expect(stderrOf(id, "/Generate")).toEqual(["no-DEPLOY_TOKEN", "no-APP_KEY"]);
    expect(stdoutOf(id, "/Execute/shadow")).toEqual(["secret-wins"]);
  });

  it("stores *** for a value printed whole (stdout and stderr), split across two writes, inside other text, and line by line", () => {
    expect(stdoutOf(id, "/Execute/whole")).toEqual(["***"]);
    expect(stderrOf(id, "/Execute/whole")).toEqual(["***"]);
    expect(stdoutOf(id, "/Execute/split")).toEqual(["***"]);
    expect(stdoutOf(id, "/Execute/inside")).toEqual(["git clone https://ci:***@git.example.test/x.git (token ***.)"]);
    expect(stdoutOf(id, "/Execute/multiline")).toEqual(["***", "***", "***"]);
    const env = stdoutOf(id, "/Execute/env");
    expect(env).toContain("DEPLOY_TOKEN=***");
    expect(env).toContain("APP_KEY=***");
    expect(env.some((line) => line.startsWith("OTHER_KEY="))).toBe(false);
    // Every log file of the pipeline, as bytes on disk.
    const dir = path.join(server.baton.config.dataDir, "logs", id);
    for (const file of fs.readdirSync(dir)) expectNoValue(fs.readFileSync(path.join(dir, file), "latin1"), file);
  });

  it("streams *** to a live viewer", () => {
    expect(live).toEqual(["***", "*** end", "x***y"]);
  });

  it("serves *** in log pages and the download", async () => {
    for (const node of ["/Execute/whole", "/Execute/split", "/Execute/inside", "/Execute/multiline", "/Execute/env", "/Execute/live"]) {
      const page = await server.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=${encodeURIComponent(node)}`);
      expect(page.status).toBe(200);
      expect(page.body.lines.some((line) => line.text.includes("***"))).toBe(true);
      expectNoValue(JSON.stringify(page.body), `the log page of ${node}`);
      const download = await server.api<string>("GET", `/api/pipelines/${id}/logs/download?path=${encodeURIComponent(node)}`);
      expect(download.status).toBe(200);
      expect(download.body).toContain("***");
      expectNoValue(String(download.body), `the download of ${node}`);
    }
    expect((await server.api<string>("GET", `/api/pipelines/${id}/logs/download?path=/Execute/split`)).body).toBe("***\n");
  });

  it("never returns a value: secret lists, set answers, repositories, the pipeline (what `baton --json` prints)", async () => {
    const answers = await Promise.all([
      server.api<SecretList>("GET", "/api/secrets"),
      server.api<SecretList>("GET", `/api/repositories/${appRepo.id}/secrets`),
      server.api<SecretList>("GET", `/api/repositories/${otherRepo.id}/secrets`),
      server.api("PUT", `/api/repositories/${appRepo.id}/secrets/APP_KEY`, { value: APP_KEY }),
      server.api("GET", `/api/repositories/${appRepo.id}`),
      server.api("GET", "/api/repositories"),
      server.api("GET", `/api/pipelines/${id}`),
      server.api("GET", "/api/pipelines"),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expectNoValue(JSON.stringify(answer.body), "an API answer");
    }
    const global = answers[0]!.body as SecretList;
    expect(global.secrets.map((s) => [s.name, s.scope, s.repositoryId])).toEqual([
      ["CERT", "global", null],
      ["DEPLOY_TOKEN", "global", null],
    ]);
    expect((answers[1]!.body as SecretList).secrets.map((s) => [s.name, s.scope, s.repositoryId])).toEqual([["APP_KEY", "repository", appRepo.id]]);
    expect(((answers[6]!.body as PipelineDetail).secrets)).toBe("given");
  });

  it("keeps no value in clear text in the SQLite database, its WAL or shared memory", async () => {
    // A checkpoint after a write moves pages from the WAL into the main file: both are read.
    await server.api("PUT", "/api/secrets/DEPLOY_TOKEN", { value: DEPLOY_TOKEN });
    const dir = server.baton.config.dataDir;
    const files = fs.readdirSync(dir).filter((f) => f.startsWith("baton.sqlite"));
    expect(files).toContain("baton.sqlite");
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(dir, file));
      for (const value of ALL_VALUES) expect(bytes.includes(Buffer.from(value)), `${file} holds a secret value`).toBe(false);
    }
    server.baton.db.pragma("wal_checkpoint(TRUNCATE)");
    const main = fs.readFileSync(path.join(dir, "baton.sqlite"));
    for (const value of ALL_VALUES) expect(main.includes(Buffer.from(value))).toBe(false);
    // The names are there, with sealed values.
    const rows = server.baton.db.prepare("SELECT name, value FROM secrets ORDER BY name").all() as { name: string; value: string }[];
    expect(rows.map((r) => r.name)).toEqual(["APP_KEY", "CERT", "DEPLOY_TOKEN", "OTHER_KEY"]);
    for (const row of rows) expect(row.value).toMatch(/^v1:/);
  });
});

describe("acceptance 4: a fork's pull request gets no secret, nor does another repository's pipeline", () => {
  it("runs a pull request from a fork with no secret, records it as withheld, and the same from the base repository with them", async () => {
    const forked = await pullRequest(app, appRepo, "mallory/app");
    const fromFork = await finished(server, forked);
    expect(fromFork.state, JSON.stringify(fromFork.root)).toBe("done");
    expect(fromFork.secrets).toBe("withheld");
    expect(fromFork.trigger).toMatch(/from fork mallory\/app/);
    expect(stdoutOf(forked, "/Execute/report")).toEqual(["no-DEPLOY_TOKEN", "no-APP_KEY", "no-OTHER_KEY", "no-CERT"]);
    expect(stdoutOf(forked, "/Execute/whole")).toEqual([""]);
    expect(stdoutOf(forked, "/Execute/env").some((line) => /^(DEPLOY_TOKEN|APP_KEY|CERT)=/.test(line))).toBe(false);

    const own = await pullRequest(app, appRepo, undefined);
    const fromBase = await finished(server, own);
    expect(fromBase.secrets).toBe("given");
    expect(stdoutOf(own, "/Execute/report")).toEqual(["has-DEPLOY_TOKEN", "has-APP_KEY", "no-OTHER_KEY", "has-CERT"]);
    expect(stdoutOf(own, "/Execute/whole")).toEqual(["***"]);
  }, 60_000);

  it("gives a second repository's pipeline the global secrets and its own, never the first's", async () => {
    const id = await push(other, otherRepo);
    const done = await finished(server, id);
    expect(done.state).toBe("done");
    expect(stdoutOf(id, "/Execute/report")).toEqual(["has-DEPLOY_TOKEN", "no-APP_KEY", "has-OTHER_KEY", "has-CERT"]);
  }, 60_000);

  it("ends an attempt as worker_error, saying why, when a secret no longer decrypts", async () => {
    const db = server.baton.db;
    const sealed = db.prepare("SELECT value FROM secrets WHERE name = 'APP_KEY'").get() as { value: string };
    const original = db.prepare("SELECT value FROM secrets WHERE name = 'OTHER_KEY'").get() as { value: string };
    // A ciphertext moved to another secret's row (or a changed key) does not open.
    db.prepare("UPDATE secrets SET value = ? WHERE name = 'OTHER_KEY'").run(sealed.value);
    try {
      const id = await push(other, otherRepo);
      const done = await finished(server, id);
      // Its first attempt is the generate step's (masked with the same secrets).
      const generate = nodeAt(done, "/Generate");
      expect(generate.state).toBe("worker_error");
      expect(generate.attempts.at(-1)?.message).toMatch(/cannot be decrypted/);
    } finally {
      db.prepare("UPDATE secrets SET value = ? WHERE name = 'OTHER_KEY'").run(original.value);
    }
  }, 60_000);

  it("gives no secret to a pipeline launched by hand through the API", async () => {
    const launched = await server.api<{ pipelines: { id: string }[] }>("POST", "/api/pipelines", { kind: "pipeline", pipeline: { type: "exec", name: "report", command: REPORT } });
    const id = launched.body.pipelines[0]!.id;
    const done = await finished(server, id);
    expect(done.secrets).toBe("none");
    expect(stdoutOf(id, "/")).toEqual(["no-DEPLOY_TOKEN", "no-APP_KEY", "no-OTHER_KEY", "no-CERT"]);
  });
});

describe("the secrets API", () => {
  it("creates, overwrites and deletes; refuses bad names and short values; 404 for an unknown repository or secret", async () => {
    const first = await server.api<SecretView>("PUT", "/api/secrets/TEMP_SECRET", { value: "first-value" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ name: "TEMP_SECRET", scope: "global", repositoryId: null, updatedBy: "admin" });
    const second = await server.api<SecretView>("PUT", "/api/secrets/TEMP_SECRET", { value: "second-value" });
    expect(second.body.createdAt).toBe(first.body.createdAt);
    expect(second.body.updatedAt).toBeGreaterThanOrEqual(first.body.updatedAt);
    expect((await server.api("DELETE", "/api/secrets/TEMP_SECRET")).status).toBe(204);
    expect((await server.api("DELETE", "/api/secrets/TEMP_SECRET")).status).toBe(404);
    for (const name of ["1ABC", "BATON_TOKEN", "with-dash", "x".repeat(129)]) expect((await server.api("PUT", `/api/secrets/${name}`, { value: "long enough" })).status, name).toBe(400);
    expect((await server.api("PUT", "/api/secrets/SHORT", { value: "abc" })).status).toBe(400);
    expect((await server.api("PUT", "/api/secrets/EXTRA", { value: "long enough", more: 1 })).status).toBe(400);
    expect((await server.api("PUT", "/api/repositories/999/secrets/X_KEY", { value: "long enough" })).status).toBe(404);
    expect((await server.api("GET", "/api/repositories/999/secrets")).status).toBe(404);
    expect((await server.api("GET", "/api/secrets", undefined, {})).status).toBe(401);
  });

  it("is for admins only: an operator or a viewer token gets 403", async () => {
    for (const role of ["operator", "viewer"]) {
      const created = await server.api<{ secret: string }>("POST", "/api/tokens", { name: `${role}-${unique()}`, role });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const as = { authorization: `Bearer ${created.body.secret}` };
      expect((await server.api("GET", "/api/secrets", undefined, as)).status).toBe(403);
      expect((await server.api("PUT", "/api/secrets/NOPE_KEY", { value: "long enough" }, as)).status).toBe(403);
      expect((await server.api("GET", `/api/repositories/${appRepo.id}/secrets`, undefined, as)).status).toBe(403);
      expect((await server.api("DELETE", `/api/repositories/${appRepo.id}/secrets/APP_KEY`, undefined, as)).status).toBe(403);
    }
  });
});
