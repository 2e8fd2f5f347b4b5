import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RepositoryWithSecret } from "../../shared/api/repositories";
import { PROJECT_ROOT } from "../fixtures/baton-server";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { readLog } from "../fixtures/read-log";
import { addRepository, bareRepo, deliver, example, finished, processed, repoint, type BareRepo } from "../fixtures/webhook-deliveries";

/** Secrets reach Docker containers (one per attempt, and a sameContainer Serial's docker exec) and are masked alike. */

const cleanup: string[] = [];
let server: InProcessServer;
let repo: BareRepo;
let registered: RepositoryWithSecret;
const TOKEN = `docker-${crypto.randomBytes(6).toString("hex")}-token`;
const REPO_KEY = `repo-${crypto.randomBytes(6).toString("hex")}-key`;

const PIPELINE = {
  type: "serial",
  name: "d",
  image: "baton-test/busybox:latest",
  children: [
    { type: "exec", name: "report", command: 'if [ -n "$TOKEN" ]; then echo has-TOKEN; fi; if [ -n "$REPO_KEY" ]; then echo has-REPO_KEY; fi' },
    { type: "exec", name: "print", command: "echo \"$TOKEN\"; printf '%s' \"$REPO_KEY\" | head -c 6; sleep 0.3; printf '%s\\n' \"$REPO_KEY\" | tail -c +7; echo \"k=${TOKEN}.\" >&2" },
    { type: "serial", name: "shared", sameContainer: true, children: [{ type: "exec", name: "in-shared", command: 'echo "shared $TOKEN"' }] },
  ],
};

beforeAll(async () => {
  execFileSync("bash", ["scripts/build-test-images.sh"], { cwd: PROJECT_ROOT, stdio: "ignore" });
  server = await startInProcess({ BATON_EXECUTOR: "docker", BATON_GENERATE_IMAGE: "baton-test/node:20" });
  repo = bareRepo({ ".conducto.cfg": "[push]\ncommand = cat pipeline.json\n", "pipeline.json": JSON.stringify(PIPELINE) }, cleanup);
  registered = await addRepository(server, { name: "acme/boxed", cloneUrl: repo.bare, defaultBranch: "main" });
  expect((await server.api("PUT", "/api/secrets/TOKEN", { value: TOKEN })).status).toBe(200);
  expect((await server.api("PUT", `/api/repositories/${registered.id}/secrets/REPO_KEY`, { value: REPO_KEY })).status).toBe(200);
}, 300_000);

afterAll(async () => {
  await server?.close();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

describe("secrets with the Docker executor", () => {
  it("are in a container's environment and *** in its stored log, from a container of its own or a shared one", async () => {
    expect(server.baton.engine.executorName).toBe("docker");
    const sha = repo.commit({ "change.txt": "x\n" }, "main");
    const payload = repoint(example("push"), registered.name, repo.bare);
    Object.assign(payload, { ref: "refs/heads/main", after: sha, deleted: false, created: false });
    payload.head_commit = { ...(payload.head_commit ?? {}), id: sha };
    const answer = await deliver(server, "push", payload, { secret: registered.webhookSecret });
    const view = await processed(server, answer.body.delivery as number);
    expect(view.result, view.reason ?? "").toBe("launched");
    const id = view.pipelines[0]!.id;
    const done = await finished(server, id, 120_000);
    expect(done.state, JSON.stringify(done.root)).toBe("done");
    const dataDir = server.baton.config.dataDir;
    expect(readLog(dataDir, id, "/Execute/report")).toEqual(["has-TOKEN", "has-REPO_KEY"]);
    expect(readLog(dataDir, id, "/Execute/print", "stdout")).toEqual(["***", "***"]);
    expect(readLog(dataDir, id, "/Execute/print", "stderr")).toEqual(["k=***."]);
    expect(readLog(dataDir, id, "/Execute/shared/in-shared")).toEqual(["shared ***"]);
    const logs = path.join(dataDir, "logs", id);
    for (const file of fs.readdirSync(logs)) {
      const text = fs.readFileSync(path.join(logs, file), "latin1");
      expect(text.includes(TOKEN) || text.includes(REPO_KEY), file).toBe(false);
    }
  }, 180_000);
});
