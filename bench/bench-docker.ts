import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PipelineNode } from "../shared/pipeline/pipeline-schema";
import { Engine } from "../server/engine";
import { DockerExecutor } from "../server/executors/docker-executor";
import { openDatabase } from "../server/store/database";
import { PipelineStore } from "../server/store/pipeline-store";

export const BUSYBOX = "baton-test/busybox:latest";

export function dockerAvailable(): boolean {
  return spawnSync("docker", ["image", "inspect", BUSYBOX], { stdio: "ignore" }).status === 0;
}

/** n busybox `true` Execs, `concurrency` at a time, through the engine and the Docker executor. */
export async function timeDockerEngine(n: number, concurrency: number): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-docker-"));
  const db = openDatabase(dataDir);
  const engine = new Engine({
    store: new PipelineStore(db),
    executor: new DockerExecutor({ instanceId: `bench-${process.pid}`, killGraceMs: 2000, dataDir, defaultImage: BUSYBOX }),
    dataDir,
    maxParallel: concurrency,
    generateEnv: {},
    generateImage: null,
  });
  const pipeline: PipelineNode = {
    type: "parallel",
    name: "root",
    image: BUSYBOX,
    maxConcurrent: concurrency,
    children: Array.from({ length: n }, (_, i) => ({ type: "exec" as const, name: `n${i}`, command: "true" })),
  };
  const started = performance.now();
  const detail = engine.launch({ kind: "tree", pipeline }, { trigger: "bench" });
  const final = await engine.whenIdle(detail.id);
  const ms = performance.now() - started;
  if (final.root.state !== "done") throw new Error(`docker bench pipeline ended ${final.root.state}`);
  await engine.close();
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return ms;
}

/** The baseline: `xargs -P<concurrency>` of plain `docker run --rm` of the same n commands. */
export function timeXargsDockerRun(n: number, concurrency: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("sh", ["-c", `seq ${n} | xargs -P${concurrency} -I{} docker run --rm ${BUSYBOX} true`], { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`xargs docker run exited ${code}`))));
  });
}
