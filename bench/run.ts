import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { timeEngine, timeMake, timeShellLoop, timeSpawnLoop, trueNodes, type BenchCase } from "./bench-engine";
import { dockerAvailable, timeDockerEngine, timeXargsDockerRun } from "./bench-docker";
import { timeLogThroughput } from "./bench-logs";
import { benchUi } from "./bench-ui";
import { benchWebhooks } from "./bench-webhooks";
import { benchPushLatency } from "./bench-latency";

/**
 * `npm run bench [-- --quick]`: Baton against the bare baseline in the same run, so ratios hold
 * on a noisy machine. Prints one table and writes bench/results.json.
 */
const quick = process.argv.includes("--quick");
const cases: BenchCase[] = [];
const notes: string[] = [];

async function engineCases(): Promise<void> {
  const n = 1000;
  const parallel = { type: "parallel" as const, name: "root", maxConcurrent: 8, children: trueNodes(n) };
  await timeEngine({ ...parallel, children: trueNodes(50) }, 8); // warm-up
  const baton = await timeEngine(parallel, 8);
  const spawnLoop = await timeSpawnLoop(n, 8);
  const make = timeMake(n, 8);
  cases.push({ name: `${n} true, Parallel maxConcurrent 8`, batonMs: baton.ms, baselineMs: spawnLoop, baseline: "Node.js spawn loop ×8", target: 1.3 });
  cases.push({ name: `${n} true, Parallel maxConcurrent 8`, batonMs: baton.ms, baselineMs: make, baseline: "make -j8", target: null });
  notes.push(`engine overhead per node vs the spawn loop: ${((baton.ms - spawnLoop) / n).toFixed(3)} ms`);

  const serialN = 200;
  const serial = await timeEngine({ type: "serial", name: "root", children: trueNodes(serialN) }, 8);
  const loop = timeShellLoop(serialN);
  cases.push({ name: `${serialN} true, Serial`, batonMs: serial.ms, baselineMs: loop, baseline: "shell loop", target: 1.5 });

  const sizes = quick ? [1000, 5000] : [1000, 5000, 10000];
  const perNode: Record<number, number> = {};
  for (const size of sizes) {
    const result = await timeEngine({ type: "parallel", name: "root", maxConcurrent: 8, children: trueNodes(size) }, 8);
    perNode[size] = result.ms / size;
    notes.push(`${size} nodes: ${perNode[size]!.toFixed(3)} ms per node, RSS ${result.rssMb.toFixed(0)} MB`);
  }
  const largest = sizes.at(-1)!;
  cases.push({
    name: `time per node, ${largest} vs 1000 nodes`,
    batonMs: perNode[largest]!,
    baselineMs: perNode[1000]!,
    baseline: "per node at 1000",
    target: 1.3,
    note: "ms per node",
  });
}

async function dockerCases(): Promise<void> {
  if (!dockerAvailable()) {
    notes.push("Docker case skipped: no engine or no baton-test/busybox image (npm run images)");
    return;
  }
  const n = quick ? 20 : 50;
  await timeDockerEngine(4, 4); // warm-up
  const baton = await timeDockerEngine(n, 4);
  const xargs = await timeXargsDockerRun(n, 4);
  cases.push({ name: `${n} busybox true, 4 at a time`, batonMs: baton, baselineMs: xargs, baseline: "xargs -P4 docker run --rm", target: 1.15 });
}

async function logCases(): Promise<void> {
  const megabytes = quick ? 50 : 100;
  const result = await timeLogThroughput(megabytes);
  cases.push({ name: `log of ${megabytes} MB`, batonMs: result.batonMs, baselineMs: result.catMs, baseline: "cat into a file", target: 2 });
  notes.push(`log of ${megabytes} MB: server RSS grew ${result.rssGrowthMb.toFixed(1)} MB (target < 100 MB)`);
}

async function webhookCases(): Promise<void> {
  const result = await benchWebhooks({ durationS: quick ? 5 : 10 });
  // Expressed as time per accepted delivery against the target's budget (1,500/s = 0.667 ms each).
  cases.push({
    name: "signed push deliveries, filter launches nothing",
    batonMs: 1000 / result.acceptedPerSecond,
    baselineMs: 1000 / 1500,
    baseline: "1,500/s budget",
    target: 1,
    note: "ms per delivery",
  });
  notes.push(`webhooks: ${result.acceptedPerSecond.toFixed(0)} accepted/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (target ≥ 1,500/s, p99 < 50 ms), ${result.other} non-202, ${result.pipelines} pipelines`);
}

async function latencyCases(): Promise<void> {
  const runs: ["local" | "docker", number, number][] = [["local", 20, 150]];
  if (dockerAvailable()) runs.push(["docker", quick ? 10 : 20, 500]);
  else notes.push("latency: the Docker case skipped: no engine or no baton-test/busybox image (npm run images)");
  for (const [executor, deliveries, targetMs] of runs) {
    const r = await benchPushLatency(executor, deliveries);
    const floor = executor === "docker" ? "docker run --rm busybox echo" : "sh -c echo";
    // The target is absolute (issue 7), so the ratio column is printed only; the note says met or missed.
    cases.push({ name: `push → first command, ${executor} (median of ${deliveries})`, batonMs: r.medianMs, baselineMs: r.floorMs, baseline: floor, target: null });
    notes.push(`latency, ${executor}: median ${r.medianMs} ms, p95 ${r.p95Ms} ms, floor ${r.floorMs.toFixed(0)} ms (target: median < ${targetMs} ms, ${r.medianMs < targetMs ? "met" : "MISSED"})`);
  }
}

async function uiCases(): Promise<void> {
  const result = await benchUi();
  // No bare baseline for a browser: each figure against its budget, so a ratio ≤ 1 meets the target.
  cases.push({ name: "2,041-node pipeline page interactive", batonMs: result.interactiveMs, baselineMs: 3000, baseline: "3 s budget", target: 1 });
  cases.push({ name: "longest main-thread task, changes streaming", batonMs: result.longestTaskMs, baselineMs: 200, baseline: "200 ms budget", target: 1 });
  notes.push(
    `UI: ${result.graphNodesInDom} graph nodes in the DOM; ${result.changes} node changes arrived, ${result.busiestFiveSeconds} in the busiest 5 s (issue 7 asks 5,000 in 5 s; the engine's own rate bounds it); ${result.longTasks} long tasks`,
  );
}

function printTable(): void {
  const rows = cases.map((c) => {
    const ratio = c.batonMs / c.baselineMs;
    const verdict = c.target === null ? "" : ratio <= c.target ? "met" : "MISSED";
    return [c.name, `${c.batonMs.toFixed(1)}`, `${c.baselineMs.toFixed(1)} (${c.baseline})`, `${ratio.toFixed(2)}×`, c.target === null ? "printed" : `≤ ${c.target}× ${verdict}`];
  });
  const header = ["case", "Baton (ms)", "baseline (ms)", "ratio", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
  for (const note of notes) console.log(`  ${note}`);
}

async function main(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  const groups: [string, () => Promise<void>][] = [
    ["engine", engineCases],
    ["docker", dockerCases],
    ["logs", logCases],
    ["webhooks", webhookCases],
    ["latency", latencyCases],
    ["ui", uiCases],
  ];
  for (const [name, run] of groups) {
    if (only && only !== name) continue;
    try {
      await run();
    } catch (error) {
      notes.push(`${name} cases failed: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  }
  printTable();
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "results.json");
  fs.writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), quick, cases: cases.map((c) => ({ ...c, ratio: c.batonMs / c.baselineMs })), notes }, null, 2)}\n`,
  );
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
