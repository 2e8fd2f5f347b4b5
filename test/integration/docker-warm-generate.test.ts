import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerExecutor, cleanupOrphans } from "../../server/executors/docker-executor";
import type { ExecRequest, OutputSink, OutputStream } from "../../server/executors/executor";
import { docker, ensureTestImages } from "../fixtures/docker-cli";

/**
 * Generate steps in pre-started ("warm") containers, against the real engine and the offline test
 * images of scripts/build-test-images.sh. Every container a test makes carries this run's
 * instance id and is removed at the end.
 */

const NODE = "baton-test/node:20";
const instanceId = `test-warm-${randomUUID().slice(0, 8)}`;
const dirs: string[] = [];

/** Ids of this run's containers, optionally only those with another label. */
function containers(label?: string, instance = instanceId): string[] {
  const out = docker("ps", "-a", "-q", "--no-trunc", "--filter", `label=baton.instance=${instance}`, ...(label ? ["--filter", `label=${label}`] : []));
  return out ? out.split("\n") : [];
}

async function waitFor<T>(check: () => T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

function collector() {
  const chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [], system: [] };
  const sink: OutputSink = (stream, chunk) => chunks[stream].push(chunk);
  const text = (stream: OutputStream) => Buffer.concat(chunks[stream]).toString();
  return { sink, stdout: () => text("stdout"), stderr: () => text("stderr") };
}

function makeRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "baton-warm-repo-"));
  dirs.push(dir);
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@baton.invalid");
  git("config", "user.name", "Baton test");
  writeFileSync(join(dir, "pipeline.json"), '{"type":"exec","command":"true"}\n');
  git("add", ".");
  git("commit", "-q", "-m", "first");
  return dir;
}

function newExecutor(options: { warmGenerate?: boolean; instance?: string } = {}): DockerExecutor {
  const dataDir = mkdtempSync(join(tmpdir(), "baton-warm-data-"));
  dirs.push(dataDir);
  return new DockerExecutor({ instanceId: options.instance ?? instanceId, dataDir, killGraceMs: 2000, defaultImage: NODE, warmGenerate: options.warmGenerate ?? true });
}

let seq = 0;
async function generateRequest(executor: DockerExecutor, command: string, env: Record<string, string> = {}): Promise<ExecRequest> {
  seq++;
  const pipelineId = `p-${randomUUID().slice(0, 8)}`;
  await executor.preparePipeline({ pipelineId, repoDir: makeRepo(), sha: null }, () => undefined);
  return {
    pipelineId,
    path: "/Generate",
    attempt: 1,
    attemptId: `att-${instanceId}-${seq}`,
    command,
    env: { BATON_GENERATE: "1", ...env },
    image: { image: NODE, copyRepo: true },
    cpu: null,
    mem: null,
    containerKey: null,
    ownRepoCopy: true,
  };
}

beforeAll(() => {
  ensureTestImages(NODE);
});

afterAll(async () => {
  await cleanupOrphans(instanceId);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("warm containers for generate steps", () => {
  it("runs a generate step in a container started before the step was asked for, removes it after, and has the next one ready", async () => {
    const executor = newExecutor();
    try {
      const warm = await waitFor(() => containers("baton.kind=warm").find((id) => docker("inspect", "-f", "{{.State.Running}}", id) === "true"));
      const req = await generateRequest(executor, "cat pipeline.json; echo to-stderr >&2; sleep 1; echo \"$GREETING\"; exit 3", { GREETING: "it's \"quoted\" $HOME\nsecond line" });
      const requested = Date.now();
      const out = collector();
      const handle = await executor.start(req, out.sink);
      expect(handle.ref).toBe(warm);
      const startedAt = Date.parse(docker("inspect", "-f", "{{.State.StartedAt}}", handle.ref));
      expect(startedAt).toBeLessThan(requested);

      const exit = await handle.exit;
      expect(exit).toEqual({ exitCode: 3 });
      expect(out.stdout()).toBe('{"type":"exec","command":"true"}\nit\'s "quoted" $HOME\nsecond line\n');
      expect(out.stderr()).toBe("to-stderr\n");
      expect(containers().includes(warm)).toBe(false);

      const next = await waitFor(() => containers("baton.kind=warm").find((id) => id !== warm && docker("inspect", "-f", "{{.State.Running}}", id) === "true"));
      expect(next).not.toBe(warm);
    } finally {
      await executor.close();
    }
    expect(containers()).toEqual([]);
  }, 60_000);

  it("gives the command the same environment, directory and user as the step's own container would have", async () => {
    const warmExecutor = newExecutor();
    const coldExecutor = newExecutor({ warmGenerate: false });
    const command = "env | grep -v '^HOSTNAME=' | sort; pwd; id; ls /workspace; ls -l /proc/self/fd/0 | sed 's/.*-> //'";
    try {
      const warm = await waitFor(() => containers("baton.kind=warm")[0]);
      const inWarm = collector();
      const warmHandle = await warmExecutor.start(await generateRequest(warmExecutor, command, { A_VAR: "a b" }), inWarm.sink);
      expect(warmHandle.ref).toBe(warm);
      expect(await warmHandle.exit).toEqual({ exitCode: 0 });
      const inCold = collector();
      const coldHandle = await coldExecutor.start(await generateRequest(coldExecutor, command, { A_VAR: "a b" }), inCold.sink);
      expect(await coldHandle.exit).toEqual({ exitCode: 0 });
      expect(inWarm.stdout()).toContain("A_VAR=a b\n");
      expect(inWarm.stdout()).toBe(inCold.stdout());
    } finally {
      await warmExecutor.close();
      await coldExecutor.close();
    }
  }, 60_000);

  it("kills a generate step running in a warm container and removes the container", async () => {
    const executor = newExecutor();
    try {
      const warm = await waitFor(() => containers("baton.kind=warm")[0]);
      const out = collector();
      const handle = await executor.start(await generateRequest(executor, "echo started; sleep 60"), out.sink);
      expect(handle.ref).toBe(warm);
      await waitFor(() => out.stdout().includes("started"));
      const killed = Date.now();
      handle.kill();
      expect(await handle.exit).toEqual({ exitCode: null });
      expect(Date.now() - killed).toBeLessThan(10_000);
      expect(containers().includes(warm)).toBe(false);
    } finally {
      await executor.close();
    }
  }, 60_000);

  it("starts the step in its own container when the warm one was removed outside Baton", async () => {
    const executor = newExecutor();
    try {
      const warm = await waitFor(() => containers("baton.kind=warm")[0]);
      docker("rm", "-f", warm);
      const out = collector();
      const handle = await executor.start(await generateRequest(executor, "cat pipeline.json"), out.sink);
      expect(handle.ref).not.toBe(warm);
      expect(await handle.exit).toEqual({ exitCode: 0 });
      expect(out.stdout()).toBe('{"type":"exec","command":"true"}\n');
    } finally {
      await executor.close();
    }
    expect(containers()).toEqual([]);
  }, 60_000);

  it("leaves the server's own warm container to its start-up cleanup and removes one a killed server left", async () => {
    const instance = `${instanceId}-orphans`;
    const executor = newExecutor({ instance });
    try {
      const warm = await waitFor(() => containers("baton.kind=warm", instance)[0]);
      const stale = docker("create", "--label", `baton.instance=${instance}`, "--label", "baton.kind=warm", "--label", "baton.warm-owner=dead-owner", NODE, "true");
      const removed = await cleanupOrphans(instance, { keepWarmOwner: executor.warmOwner });
      expect(removed).toEqual([stale]);
      expect(containers(undefined, instance)).toEqual([warm]);
    } finally {
      await executor.close();
      await cleanupOrphans(instance);
    }
    expect(containers(undefined, instance)).toEqual([]);
  }, 60_000);
});
