import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerExecutor, SDK_MOUNT_VAR, cleanupOrphans } from "../../server/executors/docker-executor";
import type { ExecRequest, OutputSink, OutputStream } from "../../server/executors/executor";
import { docker, ensureTestImages } from "../fixtures/docker-cli";

/**
 * The docker executor against the real engine (DOCKER_HOST or /var/run/docker.sock), in the
 * offline test images that scripts/build-test-images.sh makes. Every container and image a test
 * creates carries this run's instance id and is removed at the end. Warm containers for generate
 * steps are off here (cleanups count what they remove); docker-warm-generate.test.ts covers them.
 */

const BUSYBOX = "baton-test/busybox:latest";
const NODE = "baton-test/node:20";
const GRACE_MS = 2000;
const instanceId = `test-${randomUUID().slice(0, 8)}`;

let dataDir: string;
let executor: DockerExecutor;

/** Ids of every container (running or not) labelled with the pipeline. */
function containersOf(pipelineId: string): string[] {
  const out = docker("ps", "-a", "-q", "--filter", `label=baton.instance=${instanceId}`, "--filter", `label=baton.pipeline=${pipelineId}`);
  return out ? out.split("\n") : [];
}

function collector() {
  const chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [], system: [] };
  const sink: OutputSink = (stream, chunk) => chunks[stream].push(chunk);
  const text = (stream: OutputStream) => Buffer.concat(chunks[stream]).toString();
  return { sink, stdout: () => text("stdout"), stderr: () => text("stderr"), system: () => text("system") };
}

let attemptSeq = 0;
function request(pipelineId: string, command: string, overrides: Partial<ExecRequest> = {}): ExecRequest {
  attemptSeq++;
  return {
    pipelineId,
    path: `/node-${attemptSeq}`,
    attempt: 1,
    attemptId: `att-${instanceId}-${attemptSeq}`,
    command,
    env: {},
    image: { image: BUSYBOX },
    cpu: null,
    mem: null,
    containerKey: null,
    ...overrides,
  };
}

async function run(req: ExecRequest, on: DockerExecutor = executor) {
  const out = collector();
  const handle = await on.start(req, out.sink);
  const exit = await handle.exit;
  return { ...out, exit, ref: handle.ref };
}

function newPipelineId(): string {
  return `p-${randomUUID().slice(0, 8)}`;
}

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A git repository in a temp dir with one commit, then an uncommitted change and an untracked file. */
function makeRepo(): { dir: string; sha: string } {
  const dir = mkdtempSync(join(tmpdir(), "baton-docker-repo-"));
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@baton.invalid");
  git("config", "user.name", "Baton test");
  writeFileSync(join(dir, "a.txt"), "committed\n");
  mkdirSync(join(dir, "ci"));
  // The label makes the built image this run's, so afterAll removes it (and each run builds it afresh).
  writeFileSync(join(dir, "ci", "Dockerfile"), `FROM ${BUSYBOX}\nCOPY a.txt /baked.txt\nLABEL baton.instance=${instanceId}\n`);
  git("add", ".");
  git("commit", "-q", "-m", "first");
  const sha = git("rev-parse", "HEAD");
  writeFileSync(join(dir, "a.txt"), "uncommitted\n");
  writeFileSync(join(dir, "untracked.txt"), "untracked\n");
  return { dir, sha };
}

beforeAll(() => {
  ensureTestImages(BUSYBOX, NODE);
  dataDir = mkdtempSync(join(tmpdir(), "baton-docker-data-"));
  executor = new DockerExecutor({ instanceId, dataDir, killGraceMs: GRACE_MS, defaultImage: BUSYBOX, warmGenerate: false });
});

afterAll(async () => {
  await executor?.close();
  await cleanupOrphans(instanceId);
  const images = docker("images", "-q", "--filter", `label=baton.instance=${instanceId}`);
  if (images) docker("rmi", "-f", ...new Set(images.split("\n")));
  rmSync(dataDir, { recursive: true, force: true });
});

describe("DockerExecutor", () => {
  it("answers the probe when the engine is up and not when the socket is dead", async () => {
    expect(await DockerExecutor.probe()).toBe(true);
    const started = Date.now();
    expect(await DockerExecutor.probe({ dockerHost: `unix://${join(tmpdir(), "no-such-docker.sock")}` })).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("runs a command in a container and reports its exit code, stdout and stderr, then removes the container", async () => {
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: null, sha: null }, collector().sink);
    const result = await run(request(pipelineId, "echo out; echo err >&2; pwd; exit 7"));
    expect(result.exit).toEqual({ exitCode: 7 });
    expect(result.stdout()).toBe("out\n/workspace\n");
    expect(result.stderr()).toBe("err\n");
    expect(containersOf(pipelineId)).toEqual([]);
  });

  it("labels the container with instance, pipeline, node path and attempt", async () => {
    const pipelineId = newPipelineId();
    const req = request(pipelineId, "sleep 5", { path: "/Build/unit tests", attempt: 3 });
    const handle = await executor.start(req, collector().sink);
    const labels = JSON.parse(docker("inspect", "--format", "{{json .Config.Labels}}", handle.ref)) as Record<string, string>;
    expect(labels).toMatchObject({
      "baton.instance": instanceId,
      "baton.pipeline": pipelineId,
      "baton.node": "/Build/unit tests",
      "baton.attempt": "3",
      "baton.attempt-id": req.attemptId,
    });
    handle.kill();
    await handle.exit;
  });

  it("shows a node the commit's files at /workspace, not the working copy's uncommitted changes", async () => {
    const repo = makeRepo();
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    const result = await run(request(pipelineId, "pwd; cat a.txt; ls -a", { image: { image: BUSYBOX, copyRepo: true } }));
    expect(result.exit).toEqual({ exitCode: 0 });
    const lines = result.stdout().split("\n");
    expect(lines.slice(0, 2)).toEqual(["/workspace", "committed"]);
    expect(lines).toContain("ci");
    expect(lines).not.toContain("untracked.txt");
    expect(lines).not.toContain(".git");
    await executor.releasePipeline(pipelineId);
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it("starts every attempt from a pristine copy: parallel nodes writing the same path never see each other's file", async () => {
    const repo = makeRepo();
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    const image = { image: BUSYBOX, copyRepo: true };
    const command = 'test ! -e out.txt || echo "saw out.txt: $(cat out.txt)"; echo "$BATON_NODE" > out.txt; echo "$BATON_NODE" >> a.txt; sleep 1; cat out.txt a.txt';
    const [left, right] = await Promise.all([
      run(request(pipelineId, command, { image, env: { BATON_NODE: "/left" } })),
      run(request(pipelineId, command, { image, env: { BATON_NODE: "/right" } })),
    ]);
    expect(left!.stdout()).toBe("/left\ncommitted\n/left\n");
    expect(right!.stdout()).toBe("/right\ncommitted\n/right\n");
    const after = await run(request(pipelineId, "cat a.txt; test -e out.txt && echo leaked || true", { image }));
    expect(after.stdout()).toBe("committed\n");
    await executor.releasePipeline(pipelineId);
    expect(containersOf(pipelineId)).toEqual([]);
    expect(docker("images", "-q", "--filter", `label=baton.pipeline=${pipelineId}`)).toBe("");
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it("puts the repository straight into the generate step's own container, and makes the Execs' repository image ahead only once the repository's Execs wanted one", async () => {
    const repo = makeRepo();
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    const out = collector();
    const handle = await executor.start(request(pipelineId, "pwd; cat a.txt; ls; sleep 2", { image: { image: BUSYBOX, copyRepo: true }, ownRepoCopy: true }), out.sink);
    expect(docker("inspect", "--format", "{{.Image}}", handle.ref)).toBe(docker("image", "inspect", "--format", "{{.Id}}", BUSYBOX));
    expect(await handle.exit).toEqual({ exitCode: 0 });
    expect(out.stdout().split("\n").slice(0, 2)).toEqual(["/workspace", "committed"]);
    expect(out.stdout()).toContain("ci\n");
    expect(out.system()).not.toContain("baton-snapshot");
    // No Exec of this repository has wanted the image with the repository yet: none is made ahead.
    await new Promise((r) => setTimeout(r, 500));
    expect(docker("images", "-q", "--filter", `label=baton.pipeline=${pipelineId}`)).toBe("");
    const exec = await run(request(pipelineId, "cat a.txt", { image: { image: BUSYBOX, copyRepo: true } }));
    expect(exec.stdout()).toBe("committed\n");
    expect(exec.system()).toContain("copying the repository");
    await executor.releasePipeline(pipelineId);

    // The next pipeline of the repository: its Execs' repository image is made while the generate step runs.
    const next = newPipelineId();
    await executor.preparePipeline({ pipelineId: next, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    await run(request(next, "true", { image: { image: BUSYBOX, copyRepo: true }, ownRepoCopy: true }));
    const ahead = await run(request(next, "cat a.txt", { image: { image: BUSYBOX, copyRepo: true } }));
    expect(ahead.stdout()).toBe("committed\n");
    expect(ahead.system()).not.toContain("copying the repository");
    await executor.releasePipeline(next);
    expect(docker("images", "-q", "--filter", `label=baton.pipeline=${next}`)).toBe("");
    expect(containersOf(pipelineId)).toEqual([]);
    expect(docker("images", "-q", "--filter", `label=baton.pipeline=${pipelineId}`)).toBe("");
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it("gives a sameContainer Serial's container the repository without making a repository image", async () => {
    const repo = makeRepo();
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    const result = await run(request(pipelineId, "cat a.txt", { image: { image: BUSYBOX, copyRepo: true }, containerKey: "/Build" }));
    expect(result.stdout()).toBe("committed\n");
    expect(docker("images", "-q", "--filter", `label=baton.pipeline=${pipelineId}`)).toBe("");
    await executor.releasePipeline(pipelineId);
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it("removes a repository image still being made ahead when the pipeline is released", async () => {
    const repo = makeRepo();
    const earlier = newPipelineId();
    await executor.preparePipeline({ pipelineId: earlier, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    await run(request(earlier, "true", { image: { image: BUSYBOX, copyRepo: true } }));
    await executor.releasePipeline(earlier);
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    await run(request(pipelineId, "true", { image: { image: BUSYBOX, copyRepo: true }, ownRepoCopy: true }));
    await executor.releasePipeline(pipelineId);
    expect(containersOf(pipelineId)).toEqual([]);
    expect(docker("images", "-q", "--filter", `label=baton.pipeline=${pipelineId}`)).toBe("");
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it("builds a Dockerfile from the commit with its context", async () => {
    const repo = makeRepo();
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    const result = await run(request(pipelineId, "cat /baked.txt a.txt", { image: { dockerfile: "ci/Dockerfile", context: ".", copyRepo: true } }));
    expect(result.exit).toEqual({ exitCode: 0 });
    expect(result.stdout()).toBe("committed\ncommitted\n");
    await executor.releasePipeline(pipelineId);
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it("gives a node exactly the environment it was given, never the server's", async () => {
    process.env.BATON_TEST_SERVER_SECRET = "server-only";
    try {
      const result = await run(request(newPipelineId(), "env", { env: { FOO: "bar", BATON_NODE: "/env" } }));
      const names = result
        .stdout()
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(0, line.indexOf("=")));
      expect(result.stdout()).toContain("FOO=bar\n");
      expect(result.stdout()).not.toContain("server-only");
      // What the image (PATH) and the container runtime (HOSTNAME, HOME) and sh (PWD, SHLVL) add.
      const allowed = new Set(["FOO", "BATON_NODE", "PATH", "HOSTNAME", "HOME", "PWD", "SHLVL"]);
      expect(names.filter((name) => !allowed.has(name))).toEqual([]);
    } finally {
      delete process.env.BATON_TEST_SERVER_SECRET;
    }
  });

  it("kills `sleep 600` within the grace period and leaves no container of the pipeline", async () => {
    const pipelineId = newPipelineId();
    const handle = await executor.start(request(pipelineId, "sleep 600"), collector().sink);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    handle.kill();
    handle.kill();
    const exit = await handle.exit;
    const elapsed = Date.now() - started;
    expect(exit).toEqual({ exitCode: null });
    expect(elapsed).toBeLessThan(GRACE_MS);
    expect(containersOf(pipelineId)).toEqual([]);
    handle.kill();
  });

  it("kills a command that ignores SIGTERM with SIGKILL once the grace period is over", async () => {
    const pipelineId = newPipelineId();
    const handle = await executor.start(request(pipelineId, "trap '' TERM; sleep 600"), collector().sink);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    handle.kill();
    expect(await handle.exit).toEqual({ exitCode: null });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(elapsed).toBeLessThan(GRACE_MS + 3000);
    expect(containersOf(pipelineId)).toEqual([]);
  });

  it("rejects an image that does not exist with its name and the engine's reason", async () => {
    const req = request(newPipelineId(), "true", { image: { image: "baton-test/does-not-exist:1" } });
    const failure = executor.start(req, collector().sink);
    await expect(failure).rejects.toThrow(/"baton-test\/does-not-exist:1" is not available locally and could not be pulled: \S+/);
  });

  it("builds a Dockerfile image once and reuses it for 20 attempts", async () => {
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: null, sha: null }, collector().sink);
    const nonce = randomUUID();
    const image = { dockerfileText: `FROM ${BUSYBOX}\nRUN echo ${nonce} > /nonce\nLABEL baton.instance=${instanceId}\n` };
    const before = executor.buildsStarted;
    const results = await Promise.all(Array.from({ length: 20 }, () => run(request(pipelineId, "cat /nonce", { image }))));
    expect(executor.buildsStarted - before).toBe(1);
    expect(results.filter((r) => r.system().includes("Step 1/")).length).toBe(1);
    for (const result of results) {
      expect(result.exit).toEqual({ exitCode: 0 });
      expect(result.stdout()).toBe(`${nonce}\n`);
    }
    // A new executor (a restarted server) finds the image by its content hash and builds nothing.
    const again = new DockerExecutor({ instanceId, dataDir, defaultImage: BUSYBOX, warmGenerate: false });
    await again.preparePipeline({ pipelineId, repoDir: null, sha: null }, collector().sink);
    const reused = await run(request(pipelineId, "cat /nonce", { image }), again);
    expect(reused.stdout()).toBe(`${nonce}\n`);
    expect(again.buildsStarted).toBe(0);
    expect(reused.system()).toContain("already built");
  });

  it("re-attaches after a restart: the rest of the output and the real exit code, nothing twice", async () => {
    const pipelineId = newPipelineId();
    const first = new DockerExecutor({ instanceId, dataDir, defaultImage: BUSYBOX, warmGenerate: false });
    const req = request(pipelineId, "echo started; sleep 3; echo done; exit 3");
    const seen = collector();
    const handle = await first.start(req, seen.sink);
    await waitFor(() => seen.stdout() === "started\n");
    await first.close();

    const restarted = new DockerExecutor({ instanceId, dataDir, defaultImage: BUSYBOX, warmGenerate: false });
    const rest = collector();
    const reattached = await restarted.reattach(handle.ref, req, rest.sink, Buffer.byteLength(seen.stdout()));
    expect(reattached).not.toBeNull();
    expect(await reattached!.exit).toEqual({ exitCode: 3 });
    expect(rest.stdout()).toBe("done\n");
    expect(seen.stdout()).toBe("started\n");
    expect(containersOf(pipelineId)).toEqual([]);
    expect(await restarted.reattach(handle.ref, req, collector().sink, 0)).toBeNull();
  });

  it("runs the attempts of a sameContainer key in one container that shares its files", async () => {
    const repo = makeRepo();
    const pipelineId = newPipelineId();
    await executor.preparePipeline({ pipelineId, repoDir: repo.dir, sha: repo.sha }, collector().sink);
    const shared = { image: { image: BUSYBOX, copyRepo: true }, containerKey: "/Build" };
    const build = await run(request(pipelineId, 'echo built > artifact.txt; echo "$STEP"', { ...shared, env: { STEP: "build" } }));
    expect(build.exit).toEqual({ exitCode: 0 });
    expect(build.stdout()).toBe("build\n");
    expect(build.ref).toMatch(/^exec:/);
    const test = await run(request(pipelineId, "cat artifact.txt a.txt; echo $STEP; exit 4", { ...shared, env: { STEP: "test" } }));
    expect(test.exit).toEqual({ exitCode: 4 });
    expect(test.stdout()).toBe("built\ncommitted\ntest\n");

    const killed = await executor.start(request(pipelineId, "sleep 600", shared), collector().sink);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    killed.kill();
    expect(await killed.exit).toEqual({ exitCode: null });
    expect(Date.now() - started).toBeLessThan(GRACE_MS);

    const after = await run(request(pipelineId, "cat artifact.txt", shared));
    expect(after.stdout()).toBe("built\n");
    const elsewhere = await run(request(pipelineId, "test -e artifact.txt && echo leaked || echo absent", { image: shared.image }));
    expect(elsewhere.stdout()).toBe("absent\n");

    expect(containersOf(pipelineId)).toHaveLength(1);
    await executor.releasePipeline(pipelineId);
    expect(containersOf(pipelineId)).toEqual([]);
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it("mounts the path in BATON_SDK_MOUNT read-only at the same path and keeps the variable out of the env", async () => {
    const sdkDir = mkdtempSync(join(tmpdir(), "baton-sdk-"));
    writeFileSync(join(sdkDir, "register.mjs"), 'globalThis.batonSdk = "loaded";\n');
    const command = `node -e 'console.log(globalThis.batonSdk)'; env | grep -c ${SDK_MOUNT_VAR} || true; touch ${sdkDir}/x 2>/dev/null && echo writable || echo read-only`;
    const result = await run(
      request(newPipelineId(), command, {
        image: { image: NODE },
        env: { NODE_OPTIONS: `--import=${join(sdkDir, "register.mjs")}`, [SDK_MOUNT_VAR]: sdkDir },
      }),
    );
    expect(result.stderr()).toBe("");
    expect(result.stdout()).toBe("loaded\n0\nread-only\n");
    rmSync(sdkDir, { recursive: true, force: true });
  });

  it("ends an attempt with a worker error when the engine becomes unreachable mid-run", async () => {
    // A unix socket relaying to the real engine, closed mid-run: to the executor the engine is gone.
    const socketPath = join(tmpdir(), `baton-docker-relay-${instanceId}.sock`);
    const engineSocket = process.env.DOCKER_HOST?.startsWith("unix://") ? process.env.DOCKER_HOST.slice(7) : "/var/run/docker.sock";
    const connections = new Set<Socket>();
    const relay = createServer((client) => {
      const engine = createConnection(engineSocket);
      connections.add(client).add(engine);
      client.pipe(engine).pipe(client);
      client.on("error", () => engine.destroy());
      engine.on("error", () => client.destroy());
    });
    await new Promise<void>((r) => relay.listen(socketPath, r));
    const pipelineId = newPipelineId();
    const viaRelay = new DockerExecutor({ instanceId, dataDir, defaultImage: BUSYBOX, warmGenerate: false, dockerHost: `unix://${socketPath}` });
    const out = collector();
    const handle = await viaRelay.start(request(pipelineId, "echo running; sleep 30"), out.sink);
    await waitFor(() => out.stdout() === "running\n");
    await new Promise<void>((r) => {
      relay.close(() => r());
      for (const socket of connections) socket.destroy();
    });
    const exit = await handle.exit;
    expect(exit.exitCode).toBeNull();
    expect(exit.workerError).toMatch(/^Docker engine unreachable: /);
    rmSync(socketPath, { force: true });
    expect(await cleanupOrphans(instanceId)).toHaveLength(1);
    expect(containersOf(pipelineId)).toEqual([]);
  });

  it("cleans up the containers of its instance that no run is known to need", async () => {
    const pipelineId = newPipelineId();
    const kept = await executor.start(request(pipelineId, "sleep 30"), collector().sink);
    const orphan = await executor.start(request(pipelineId, "sleep 30"), collector().sink);
    const removed = await cleanupOrphans(instanceId, { keepRefs: [kept.ref] });
    expect(removed).toEqual([orphan.ref]);
    expect(await orphan.exit).toEqual({ exitCode: null, workerError: expect.stringMatching(/removed outside Baton/) });
    expect(containersOf(pipelineId)).toEqual([kept.ref.slice(0, 12)]);
    kept.kill();
    await kept.exit;
  });
});
