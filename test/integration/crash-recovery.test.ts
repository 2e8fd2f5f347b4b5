import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { LaunchResult } from "../../shared/api/api-contract";
import type { LogPage, PipelineDetail } from "../../shared/api/pipeline-views";
import { startServer, type BatonServer } from "../fixtures/baton-server";
import { nodeAt, waitFor } from "../fixtures/engine-harness";
import { BATON_BIN } from "../fixtures/run-cli";
import { makeRepo, tempDir } from "../fixtures/temp-git-repo";

let server: BatonServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

function processAlive(pattern: string): boolean {
  try {
    execFileSync("pgrep", ["-f", pattern]);
    return true;
  } catch {
    return false;
  }
}

async function detailOf(s: BatonServer, id: string): Promise<PipelineDetail> {
  const { status, body } = await s.api<PipelineDetail>("GET", `/api/pipelines/${id}`);
  expect(status).toBe(200);
  return body;
}

/** After the restart: the finished node and its log intact, the running one worker_error, a fix and rerun completes it. */
async function expectRecovered(s: BatonServer, id: string, prefix: string, marker: string): Promise<void> {
  let detail = await detailOf(s, id);
  expect(nodeAt(detail, `${prefix}/first`).state).toBe("done");
  const log = await s.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=${encodeURIComponent(`${prefix}/first`)}`);
  expect(log.body.lines.map((l) => l.text)).toEqual(["first node's output"]);
  const stuck = nodeAt(detail, `${prefix}/stuck`);
  expect(stuck.state).toBe("worker_error");
  expect(stuck.attempts).toHaveLength(1);
  expect(stuck.attempts[0]!.message).toMatch(/server restarted/);
  const stuckLog = await s.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=${encodeURIComponent(`${prefix}/stuck`)}`);
  expect(stuckLog.body.lines.map((l) => l.text)).toContain("stuck started");
  expect(nodeAt(detail, `${prefix}/last`).state).toBe("pending");
  expect(processAlive(marker)).toBe(false);

  const modify = await s.api("POST", `/api/pipelines/${id}/actions`, { action: "modify", path: `${prefix}/stuck`, command: "echo fixed" });
  expect(modify.status).toBe(200);
  detail = await waitFor(
    async () => {
      const d = await detailOf(s, id);
      return d.endedAt !== null && d.root.state === "done" ? d : null;
    },
    15_000,
    "the pipeline to finish",
  );
  expect(nodeAt(detail, `${prefix}/stuck`).attempts).toHaveLength(2);
  expect(nodeAt(detail, `${prefix}/last`).state).toBe("done");
}

/** A finished node, a node that runs until killed (`marker` finds its process), and one after it. */
function stuckPipeline(marker: string) {
  return {
    type: "serial",
    name: "r",
    children: [
      { type: "exec", name: "first", command: "echo \"first node's output\"" },
      { type: "exec", name: "stuck", command: `echo stuck started; ${marker}` },
      { type: "exec", name: "last", command: "true" },
    ],
  };
}

describe("a crash loses nothing that finished", () => {
  it("keeps a pipeline across kill -9 of the server: finished nodes and logs intact, the running node worker_error, a rerun completes it", async () => {
    const marker = `sleep 61${Math.floor(Math.random() * 9)}.${Date.now() % 1000}`;
    server = await startServer();
    const dataDir = server.dataDir;
    const pipeline = stuckPipeline(marker);
    const launched = await server.api<LaunchResult>("POST", "/api/pipelines", { kind: "pipeline", pipeline });
    expect(launched.status).toBe(201);
    const id = launched.body.pipelines[0]!.id;
    const s1 = server;
    await waitFor(async () => nodeAt(await detailOf(s1, id), "/stuck").state === "running", 10_000, "stuck to run");
    await waitFor(() => processAlive(marker), 5000, "the command to start");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.crash();
    expect(processAlive(marker)).toBe(true);

    server = await startServer({ dataDir });
    await waitFor(async () => (server ? nodeAt(await detailOf(server, id), "/stuck").state === "worker_error" : false), 10_000, "recovery");
    await expectRecovered(server, id, "", marker);
  });

  it("keeps a pipeline across kill -9 of the CLI running it in-process, for the server started next on the same data dir", async () => {
    const marker = `sleep 62${Math.floor(Math.random() * 9)}.${Date.now() % 1000}`;
    const dataDir = tempDir("baton-cli-crash-");
    const pipeline = stuckPipeline(marker);
    const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": JSON.stringify(pipeline) });
    const cli = spawn(process.execPath, [BATON_BIN, ".conducto.cfg", "push", "--branch=main"], {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, BATON_DATA: dataDir, BATON_EXECUTOR: "local" },
      stdio: "ignore",
    });
    await waitFor(() => processAlive(marker), 20_000, "the CLI's node to start");
    await new Promise((resolve) => setTimeout(resolve, 300));
    cli.kill("SIGKILL");
    await new Promise((resolve) => cli.once("exit", resolve));

    server = await startServer({ dataDir });
    const list = await server.api<{ pipelines: { id: string }[] }>("GET", "/api/pipelines");
    expect(list.body.pipelines).toHaveLength(1);
    const id = list.body.pipelines[0]!.id;
    const s = server;
    await waitFor(async () => nodeAt(await detailOf(s, id), "/Execute/stuck").state === "worker_error", 10_000, "recovery");
    await expectRecovered(server, id, "/Execute", marker);
    fs.rmSync(repo, { recursive: true, force: true });
  });
});
