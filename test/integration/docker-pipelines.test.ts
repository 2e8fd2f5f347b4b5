import { execFileSync } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LaunchResult } from "../../shared/api/api-contract";
import type { LogPage, PipelineDetail } from "../../shared/api/pipeline-views";
import { PROJECT_ROOT, startServer, type BatonServer } from "../fixtures/baton-server";
import { nodeAt, waitFor } from "../fixtures/engine-harness";
import { DockerRelay } from "../fixtures/docker-relay";
import { runCli } from "../fixtures/run-cli";
import { makeRepo, writeFiles } from "../fixtures/temp-git-repo";
import type { NodeView } from "../../shared/api/pipeline-views";

/** Docker-backed pipelines through the real server: restart without loss, engine outages. */

let server: BatonServer | null = null;
beforeAll(() => {
  execFileSync("bash", ["scripts/build-test-images.sh"], { cwd: PROJECT_ROOT, stdio: "ignore" });
}, 300_000);
afterEach(async () => {
  await server?.stop();
  server = null;
});

const DOCKER_ENV = { BATON_GENERATE_IMAGE: "baton-test/node:20" };

async function detailOf(s: BatonServer, id: string): Promise<PipelineDetail> {
  return (await s.api<PipelineDetail>("GET", `/api/pipelines/${id}`)).body;
}

function containersOf(pipelineId: string): string[] {
  return execFileSync("docker", ["ps", "-aq", "--filter", `label=baton.pipeline=${pipelineId}`], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
}

describe("Docker pipelines survive the server", () => {
  it("re-attaches to running containers after kill -9: real exit codes, the rest of the output, no duplicate attempt", async () => {
    server = await startServer({ executor: "docker", env: DOCKER_ENV });
    const dataDir = server.dataDir;
    expect(server.output()).toMatch(/executor docker/);
    const pipeline = {
      type: "parallel",
      name: "r",
      image: "baton-test/busybox:latest",
      children: [
        { type: "exec", name: "one", command: "echo begin; sleep 5; echo done; exit 3" },
        { type: "exec", name: "two", command: "echo begin; sleep 5; echo done; exit 3" },
      ],
    };
    const launched = await server.api<LaunchResult>("POST", "/api/pipelines", { kind: "pipeline", pipeline });
    const id = launched.body.pipelines[0]!.id;
    const first = server;
    // Both containers are running once their first line is in the log.
    await waitFor(async () => {
      for (const name of ["/one", "/two"]) {
        const log = await first.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=${name}`);
        if (log.status !== 200 || !log.body.lines.some((l) => l.text === "begin")) return false;
      }
      return true;
    }, 30_000, "both containers to run");
    await server.crash();
    expect(containersOf(id).length).toBe(2);

    server = await startServer({ dataDir, executor: "docker", env: DOCKER_ENV });
    const second = server;
    const final = await waitFor(async () => {
      const d = await detailOf(second, id);
      return d.endedAt !== null ? d : null;
    }, 30_000, "the pipeline to finish");
    for (const name of ["/one", "/two"]) {
      const node = nodeAt(final, name);
      expect(node.state).toBe("error");
      expect(node.attempts).toHaveLength(1);
      expect(node.attempts[0]!.exitCode).toBe(3);
      const log = await second.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=${name}`);
      const texts = log.body.lines.filter((l) => l.stream !== "system").map((l) => l.text);
      expect(texts).toEqual(["begin", "done"]);
    }
    await waitFor(() => containersOf(id).length === 0, 10_000, "containers to be removed");
  });
});

function flatten(node: NodeView): NodeView[] {
  return [node, ...node.children.flatMap(flatten)];
}

async function launch(s: BatonServer, pipeline: unknown): Promise<string> {
  const launched = await s.api<LaunchResult>("POST", "/api/pipelines", { kind: "pipeline", pipeline });
  expect(launched.status).toBe(201);
  return launched.body.pipelines[0]!.id;
}

async function finished(s: BatonServer, id: string, timeoutMs = 30_000): Promise<PipelineDetail> {
  return waitFor(async () => {
    const d = await detailOf(s, id);
    return d.endedAt !== null ? d : null;
  }, timeoutMs, `pipeline ${id} to end`);
}

describe("a generate step survives the server", () => {
  it("grafts what a generate container printed when the server restarted while it ran", async () => {
    const json = JSON.stringify({ type: "serial", name: "r", image: "baton-test/busybox:latest", children: [{ type: "exec", name: "after", command: "echo grafted" }] });
    const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = echo started >&2; sleep 4; cat p.json\n", "p.json": json });
    server = await startServer({ executor: "docker", env: { ...DOCKER_ENV, BATON_GENERATE_IMAGE: "baton-test/busybox:latest" } });
    const dataDir = server.dataDir;
    const launched = await server.api<LaunchResult>("POST", "/api/pipelines", { kind: "cfg", repo, event: "push", variables: { branch: "main" } });
    const id = launched.body.pipelines[0]!.id;
    const first = server;
    await waitFor(async () => {
      const log = await first.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=/Generate`);
      return log.status === 200 && log.body.lines.some((l) => l.text === "started");
    }, 30_000, "the generate container to run");
    await server.crash();
    server = await startServer({ dataDir, executor: "docker", env: { ...DOCKER_ENV, BATON_GENERATE_IMAGE: "baton-test/busybox:latest" } });
    const second = server;
    const final = await waitFor(async () => {
      const d = await detailOf(second, id);
      return d.endedAt !== null ? d : null;
    }, 30_000, "the pipeline to finish");
    expect(nodeAt(final, "/Generate").attempts).toHaveLength(1);
    expect(nodeAt(final, "/Execute/after").state).toBe("done");
    expect(final.root.state).toBe("done");
  });

  it("leaves no container and no repository image of a pipeline that ends done after a restart re-attached its last node", async () => {
    const json = JSON.stringify({ type: "exec", name: "last", image: { image: "baton-test/busybox:latest", copyRepo: true }, command: "echo begin; sleep 4; cat p.json > /dev/null" });
    const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": json });
    const env = { ...DOCKER_ENV, BATON_GENERATE_IMAGE: "baton-test/busybox:latest" };
    server = await startServer({ executor: "docker", env });
    const dataDir = server.dataDir;
    const launched = await server.api<LaunchResult>("POST", "/api/pipelines", { kind: "cfg", repo, event: "push", variables: { branch: "main" } });
    const id = launched.body.pipelines[0]!.id;
    const first = server;
    await waitFor(async () => {
      const log = await first.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=${encodeURIComponent("/Execute/last")}`);
      return log.status === 200 && log.body.lines.some((l) => l.text === "begin");
    }, 30_000, "the last node to run");
    expect(snapshotImagesOf(id).length).toBeGreaterThan(0);
    await server.crash();
    server = await startServer({ dataDir, executor: "docker", env });
    const final = await finished(server, id);
    expect(final.root.state).toBe("done");
    expect(nodeAt(final, "/Execute/last").attempts).toHaveLength(1);
    await waitFor(() => containersOf(id).length === 0 && snapshotImagesOf(id).length === 0, 15_000, "the pipeline's containers and images to be removed");
  });
});

function snapshotImagesOf(pipelineId: string): string[] {
  return execFileSync("docker", ["images", "-q", "--filter", `label=baton.pipeline=${pipelineId}`], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
}

describe("the baton command with a Docker engine", () => {
  it("runs every Exec in a container of its image, with the commit's files at /workspace", async () => {
    const pipeline = `
import { Serial, Parallel, Exec, Image, main } from "baton";
const image = Image({ image: "baton-test/busybox:latest", copyRepo: true });
main(Serial({ image }, {
  show: Exec("cat /workspace/message.txt; pwd; echo to-stderr >&2; test ! -e /workspace/untracked.txt"),
  tests: Parallel({}, {
    a: Exec("echo from-a > shared.txt; sleep 1; cat shared.txt"),
    b: Exec("echo from-b > shared.txt; sleep 1; cat shared.txt"),
  }),
  env: Exec("env"),
}));
`;
    const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = node pipeline.ts\n", "pipeline.ts": pipeline, "message.txt": "committed\n" });
    writeFiles(repo, { "message.txt": "uncommitted change\n", "untracked.txt": "x" });
    const result = await runCli([".conducto.cfg", "push", "--branch=main", "--json"], {
      cwd: repo,
      env: { BATON_EXECUTOR: "docker", BATON_GENERATE_IMAGE: "baton-test/node:20", BATON_DATA: `${repo}/.baton-data`, SERVER_ONLY_SECRET: "leak-me-not" },
      timeoutMs: 120_000,
    });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const detail = JSON.parse(result.stdout) as PipelineDetail;
    const nodes = flatten(detail.root).filter((n) => n.type === "exec");
    for (const node of nodes) expect(node.attempts[0]!.executor).toBe("docker");
    const dataDir = `${repo}/.baton-data`;
    const { readLog } = await import("../fixtures/read-log");
    // Docker keeps each stream's order; across streams the order may differ by a line.
    expect(readLog(dataDir, detail.id, "/Execute/show", "stdout")).toEqual(["committed", "/workspace"]);
    expect(readLog(dataDir, detail.id, "/Execute/show", "stderr")).toEqual(["to-stderr"]);
    expect(readLog(dataDir, detail.id, "/Execute/tests/a")).toEqual(["from-a"]);
    expect(readLog(dataDir, detail.id, "/Execute/tests/b")).toEqual(["from-b"]);
    const env = readLog(dataDir, detail.id, "/Execute/env").join("\n");
    expect(env).not.toContain("leak-me-not");
    expect(env).toContain("BATON_NODE=/Execute/env");
  }, 150_000);

  it("reports a failing container's exit code and ends with status 1", async () => {
    const json = JSON.stringify({ type: "serial", name: "r", image: "baton-test/busybox:latest", children: [{ type: "exec", name: "fail", command: "echo bad >&2; exit 5" }] });
    const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": json });
    const result = await runCli([".conducto.cfg", "push", "--branch=main", "--json"], {
      cwd: repo,
      env: { BATON_EXECUTOR: "docker", BATON_GENERATE_IMAGE: "baton-test/busybox:latest", BATON_DATA: `${repo}/.baton-data` },
      timeoutMs: 120_000,
    });
    expect(result.status).toBe(1);
    const detail = JSON.parse(result.stdout) as PipelineDetail;
    expect(nodeAt(detail, "/Execute/fail").attempts[0]).toMatchObject({ state: "error", exitCode: 5, executor: "docker" });
  }, 150_000);
});

describe("Docker pipelines on the server", () => {
  it("runs the generate step in a container of its image with the repository put in, without waiting for a repository image", async () => {
    const json = JSON.stringify({ type: "exec", name: "only", image: "baton-test/busybox:latest", command: "echo hi" });
    const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": json });
    server = await startServer({ executor: "docker", env: { ...DOCKER_ENV, BATON_GENERATE_IMAGE: "baton-test/busybox:latest" } });
    const launched = await server.api<LaunchResult>("POST", "/api/pipelines", { kind: "cfg", repo, event: "push", variables: { branch: "main" } });
    const id = launched.body.pipelines[0]!.id;
    const final = await finished(server, id);
    expect(final.root.state).toBe("done");
    const log = await server.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=/Generate`);
    expect(log.body.lines.filter((l) => l.stream === "system").map((l) => l.text).join("\n")).not.toContain("copying the repository");
    await waitFor(() => containersOf(id).length === 0 && snapshotImagesOf(id).length === 0, 15_000, "the pipeline's containers and images to be removed");
  });

  it("gives a node whose image does not exist worker_error naming the image, and the rest of the Parallel goes on", async () => {
    server = await startServer({ executor: "docker", env: DOCKER_ENV });
    const id = await launch(server, {
      type: "parallel",
      name: "r",
      children: [
        { type: "exec", name: "missing", image: "baton-test/does-not-exist:1", command: "true" },
        { type: "exec", name: "fine", image: "baton-test/busybox:latest", command: "echo fine" },
      ],
    });
    const detail = await finished(server, id);
    expect(nodeAt(detail, "/missing").state).toBe("worker_error");
    expect(nodeAt(detail, "/missing").attempts[0]!.message).toMatch(/baton-test\/does-not-exist:1/);
    const log = await server.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=/missing`);
    expect(log.body.lines.map((l) => l.text).join("\n")).toMatch(/baton-test\/does-not-exist:1/);
    expect(nodeAt(detail, "/fine").state).toBe("done");
  });

  it("kills a container running sleep 600 within the grace period and leaves no container of the pipeline", async () => {
    server = await startServer({ executor: "docker", env: { ...DOCKER_ENV, BATON_KILL_GRACE: "3s" } });
    const s = server;
    const id = await launch(server, {
      type: "parallel",
      name: "r",
      image: "baton-test/busybox:latest",
      children: [
        { type: "exec", name: "sleeper", command: "sleep 600" },
        { type: "exec", name: "timed", command: "sleep 600", maxTime: "2s" },
      ],
    });
    await waitFor(async () => nodeAt(await detailOf(s, id), "/sleeper").state === "running", 20_000, "sleeper to run");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    const kill = await server.api("POST", `/api/pipelines/${id}/actions`, { action: "kill", path: "/sleeper" });
    expect(kill.status).toBe(200);
    const detail = await finished(server, id);
    const killedAfter = nodeAt(detail, "/sleeper").attempts[0]!.endedAt! - started;
    console.log(`docker kill of sleep 600 took ${killedAfter} ms (grace 3000 ms)`);
    expect(killedAfter).toBeLessThan(3000);
    expect(nodeAt(detail, "/sleeper").state).toBe("killed");
    expect(nodeAt(detail, "/timed").state).toBe("killed");
    expect(nodeAt(detail, "/timed").attempts[0]!.message).toMatch(/maxTime 2s exceeded/);
    await waitFor(() => containersOf(id).length === 0, 10_000, "no containers left");
  });

  it("turns nodes to worker_error when the engine goes away, stays up, removes their containers and completes a rerun once it is back", async () => {
    const relay = new DockerRelay();
    const instance = `test-outage-${process.pid}`;
    await relay.start();
    try {
      server = await startServer({ executor: "docker", env: { ...DOCKER_ENV, DOCKER_HOST: relay.dockerHost, BATON_INSTANCE: instance } });
      const s = server;
      const id = await launch(server, {
        type: "parallel",
        name: "r",
        image: "baton-test/busybox:latest",
        children: [
          { type: "exec", name: "one", command: "echo started; sleep 3; echo one" },
          { type: "exec", name: "two", command: "echo started; sleep 3; echo two" },
        ],
      });
      // Both containers run (an attempt still starting would wait for the engine instead).
      await waitFor(async () => {
        for (const name of ["/one", "/two"]) {
          const log = await s.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=${name}`);
          if (log.status !== 200 || !log.body.lines.some((l) => l.text === "started")) return false;
        }
        return true;
      }, 20_000, "both containers to run");
      await new Promise((resolve) => setTimeout(resolve, 500));
      await relay.stop();
      const failed = await finished(server, id);
      for (const name of ["/one", "/two"]) {
        expect(nodeAt(failed, name).state).toBe("worker_error");
        expect(nodeAt(failed, name).attempts[0]!.message).toMatch(/Docker engine unreachable/);
      }
      expect((await server.api("GET", "/api/health")).status).toBe(200);
      await relay.start();
      // The containers of attempts given up on do not outlive them, rerun or not.
      await waitFor(() => containersOf(id).length === 0, 15_000, "the abandoned containers to be removed");
      const rerun = await server.api("POST", `/api/pipelines/${id}/actions`, { action: "rerunFailed" });
      expect(rerun.status).toBe(200);
      await waitFor(async () => {
        const d = await detailOf(s, id);
        return d.endedAt !== null && d.root.state === "done" ? d : null;
      }, 30_000, "the rerun to complete");
    } finally {
      await server?.stop();
      server = null;
      await relay.stop();
      execFileSync("sh", ["-c", `docker ps -aq --filter label=baton.instance=${instance} | xargs -r docker rm -f`], { stdio: "ignore" });
    }
  });

  it("holds an attempt that cannot start while the engine is away, and runs it once the engine is back", async () => {
    const relay = new DockerRelay();
    const instance = `test-wait-${process.pid}`;
    await relay.start();
    try {
      server = await startServer({ executor: "docker", env: { ...DOCKER_ENV, DOCKER_HOST: relay.dockerHost, BATON_INSTANCE: instance } });
      const s = server;
      await relay.stop();
      const id = await launch(server, {
        type: "serial",
        name: "r",
        image: "baton-test/busybox:latest",
        children: [
          { type: "exec", name: "one", command: "echo one" },
          { type: "exec", name: "two", command: "echo two" },
        ],
      });
      await waitFor(async () => {
        const log = await s.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=/one`);
        return log.status === 200 && log.body.lines.some((l) => /does not answer; waiting/.test(l.text));
      }, 15_000, "the first node to wait for the engine");
      const waiting = await detailOf(s, id);
      expect(nodeAt(waiting, "/one").state).toBe("running");
      expect(nodeAt(waiting, "/two").state).toBe("pending");
      await relay.start();
      const final = await finished(s, id);
      expect(final.root.state).toBe("done");
      expect(nodeAt(final, "/one").attempts).toHaveLength(1);
      const log = await s.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=/one`);
      expect(log.body.lines.map((l) => l.text)).toEqual(expect.arrayContaining(["the Docker engine answers again", "one"]));
      await waitFor(() => containersOf(id).length === 0, 10_000, "containers to be removed");
    } finally {
      await server?.stop();
      server = null;
      await relay.stop();
      execFileSync("sh", ["-c", `docker ps -aq --filter label=baton.instance=${instance} | xargs -r docker rm -f`], { stdio: "ignore" });
    }
  });
});
