import { execFileSync } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LaunchResult } from "../../shared/api/api-contract";
import type { LogPage, PipelineDetail } from "../../shared/api/pipeline-views";
import { PROJECT_ROOT, startServer, type BatonServer } from "../fixtures/baton-server";
import { nodeAt, waitFor } from "../fixtures/engine-harness";

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
    await waitFor(async () => {
      const d = await detailOf(first, id);
      return nodeAt(d, "/one").state === "running" && nodeAt(d, "/two").state === "running" && nodeAt(d, "/one").attempts[0]?.startedAt;
    }, 20_000, "both containers to run");
    await new Promise((resolve) => setTimeout(resolve, 1000));
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
