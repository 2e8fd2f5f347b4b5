import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { timeEngine, timeMake, timeShellLoop, timeSpawnLoop, trueNodes, type BenchCase } from "./bench-engine";

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
  await engineCases();
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
