import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PipelineNode } from "../shared/pipeline/pipeline-schema";
import { Engine } from "../server/engine";
import { LocalExecutor } from "../server/executors/local-executor";
import { openDatabase } from "../server/store/database";
import { PipelineStore } from "../server/store/pipeline-store";

export interface BenchCase {
  name: string;
  batonMs: number;
  baselineMs: number;
  baseline: string;
  target: number | null;
  note?: string;
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs a pipeline on a fresh in-process engine with the local executor; returns wall time in ms. */
export async function timeEngine(pipeline: PipelineNode, maxParallel: number): Promise<{ ms: number; rssMb: number }> {
  const dataDir = tempDir("baton-bench-");
  const db = openDatabase(dataDir);
  const engine = new Engine({
    store: new PipelineStore(db),
    executor: new LocalExecutor({ workRoot: path.join(dataDir, "work"), killGraceMs: 1000, commandPath: process.env.PATH ?? "/usr/bin:/bin", commandHome: dataDir }),
    dataDir,
    maxParallel,
    generateEnv: {},
    generateImage: null,
  });
  const started = performance.now();
  const detail = engine.launch({ kind: "tree", pipeline }, { trigger: "bench" });
  const final = await engine.whenIdle(detail.id);
  const ms = performance.now() - started;
  const rssMb = process.memoryUsage().rss / 1048576;
  if (final.root.state !== "done") throw new Error(`bench pipeline ended ${final.root.state}`);
  await engine.close();
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { ms, rssMb };
}

/** The bare baseline: Node.js spawning `sh -c true` n times, `concurrency` at a time. */
export async function timeSpawnLoop(n: number, concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const child = spawn("/bin/sh", ["-c", "true"], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } });
        child.once("error", reject);
        child.once("close", () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

export function timeMake(n: number, jobs: number): number {
  const dir = tempDir("baton-bench-make-");
  const targets = Array.from({ length: n }, (_, i) => `t${i}`);
  fs.writeFileSync(path.join(dir, "Makefile"), `.PHONY: all ${targets.join(" ")}\nall: ${targets.join(" ")}\n${targets.map((t) => `${t}:\n\t@sh -c true`).join("\n")}\n`);
  const started = performance.now();
  const result = spawnSync("make", ["-s", `-j${jobs}`, "-C", dir], { stdio: "ignore" });
  const ms = performance.now() - started;
  fs.rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error("make failed");
  return ms;
}

export function timeShellLoop(n: number): number {
  const started = performance.now();
  const result = spawnSync("/bin/sh", ["-c", `i=0; while [ $i -lt ${n} ]; do sh -c true; i=$((i+1)); done`], { stdio: "ignore" });
  if (result.status !== 0) throw new Error("shell loop failed");
  return performance.now() - started;
}

export function trueNodes(n: number): PipelineNode[] {
  return Array.from({ length: n }, (_, i) => ({ type: "exec" as const, name: `n${i}`, command: "true" }));
}
