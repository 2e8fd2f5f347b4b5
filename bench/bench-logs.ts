import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Engine } from "../server/engine";
import { LocalExecutor } from "../server/executors/local-executor";
import { openDatabase } from "../server/store/database";
import { PipelineStore } from "../server/store/pipeline-store";

export interface LogThroughput {
  batonMs: number;
  catMs: number;
  rssGrowthMb: number;
}

/**
 * A node printing `megabytes` of 99-character lines through the engine (log framed, indexed and
 * written to disk) against `cat` of the same bytes into a file; RSS growth sampled during it.
 */
export async function timeLogThroughput(megabytes: number): Promise<LogThroughput> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-logs-"));
  const source = path.join(dir, "source.txt");
  spawnSync("sh", ["-c", `head -c ${megabytes * 1048576} /dev/zero | tr '\\0' x | fold -w 99 > ${source}`]);
  const catStarted = performance.now();
  spawnSync("sh", ["-c", `cat ${source} > ${path.join(dir, "copy.txt")}`]);
  const catMs = performance.now() - catStarted;

  const dataDir = path.join(dir, "data");
  const db = openDatabase(dataDir);
  const engine = new Engine({
    store: new PipelineStore(db),
    executor: new LocalExecutor({ workRoot: path.join(dataDir, "work"), killGraceMs: 1000, commandPath: process.env.PATH ?? "/usr/bin:/bin", commandHome: dataDir }),
    dataDir,
    maxParallel: 4,
    generateEnv: {},
    generateImage: null,
  });
  // Warm-up: the executor's spawner helper starts once per server, not once per node.
  await engine.whenIdle(engine.launch({ kind: "tree", pipeline: { type: "exec", name: "warm-up", command: "true" } }, { trigger: "bench" }).id);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  const detail = engine.launch({ kind: "tree", pipeline: { type: "exec", name: "flood", command: `cat ${source}` } }, { trigger: "bench" });
  const final = await engine.whenIdle(detail.id);
  const batonMs = performance.now() - started;
  clearInterval(sampler);
  if (final.root.state !== "done") throw new Error(`log bench ended ${final.root.state}`);
  await engine.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { batonMs, catMs, rssGrowthMb: (rssPeak - rssBefore) / 1048576 };
}
