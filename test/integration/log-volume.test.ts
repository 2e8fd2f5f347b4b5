import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { countLogLines } from "../../server/logs/log-reader";
import { engineHarness, exec, nodeAt, serial, type EngineHarness } from "../fixtures/engine-harness";

let harness: EngineHarness;
afterEach(async () => {
  await harness?.close();
});

describe("logs stay on disk, not in memory", () => {
  it("stores all of a node's 200 MB of output while the heap stays under 150 MB", async () => {
    harness = engineHarness();
    const bytes = 200 * 1024 * 1024;
    const detail = harness.launch(serial("root", [exec("flood", `head -c ${bytes} /dev/zero | tr '\\0' x | fold -w 99`)]));
    let peakHeap = 0;
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, 20);
    const final = await harness.engine.whenIdle(detail.id);
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    console.log(`200 MB log: peak heap ${(peakHeap / 1048576).toFixed(1)} MB`);
    const flood = nodeAt(final, "/flood");
    expect(flood.state).toBe("done");
    // fold adds a newline after every 99 bytes but the last.
    expect(flood.attempts[0]!.bytes).toBe(bytes + Math.ceil(bytes / 99) - 1);
    expect(flood.attempts[0]!.lineCount).toBe(Math.ceil(bytes / 99));
    expect(peakHeap).toBeLessThan(150 * 1024 * 1024);
    const logFile = fs.readdirSync(`${harness.dataDir}/logs/${detail.id}`).find((f) => f.endsWith(".1.log"))!;
    const file = `${harness.dataDir}/logs/${detail.id}/${logFile}`;
    expect(fs.statSync(file).size).toBeGreaterThan(bytes);
    expect(countLogLines(file)).toBe(Math.ceil(bytes / 99));
    const tail = harness.engine.readLog(detail.id, "/flood", 1, Math.ceil(bytes / 99) - 1, 10);
    expect(tail.lines).toHaveLength(1);
    expect(tail.lines[0]!.text).toMatch(/^x+$/);
  }, 120_000);

  it("keeps a single line longer than the line limit, cut into marked records, and joins it again for download", async () => {
    harness = engineHarness();
    const detail = await harness.run(serial("root", [exec("long", "head -c 300000 /dev/zero | tr '\\0' y; echo; echo after")]));
    const page = harness.engine.readLog(detail.id, "/long", 1, 0, 100);
    expect(page.lines.length).toBeGreaterThan(2);
    expect(page.lines.at(-1)!.text).toBe("after");
    let text = "";
    for await (const piece of harness.engine.logText(detail.id, "/long", 1).text) text += piece;
    expect(text).toBe(`${"y".repeat(300000)}\nafter\n`);
  });

  it("survives hostile output: invalid UTF-8, an ANSI bomb and a single 100 MB line, with the heap bounded", async () => {
    harness = engineHarness();
    const detail = harness.launch(
      serial("root", [
        exec("bad-utf8", "printf 'before \\377\\376\\300 after\\n'"),
        exec("ansi-bomb", "i=0; while [ $i -lt 20000 ]; do printf '\\033[1;31;42;5;7m'; i=$((i+1)); done; echo end"),
        exec("one-line", "head -c 104857600 /dev/zero | tr '\\0' z; echo"),
      ]),
    );
    let peakHeap = 0;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    const final = await harness.engine.whenIdle(detail.id);
    clearInterval(sampler);
    expect(final.root.state).toBe("done");
    const bad = harness.engine.readLog(detail.id, "/bad-utf8", 1, 0, 10);
    expect(bad.lines[0]!.text).toBe("before \ufffd\ufffd\ufffd after");
    const bomb = harness.engine.readLog(detail.id, "/ansi-bomb", 1, 0, 10);
    expect(bomb.lines.at(-1)!.text.endsWith("end")).toBe(true);
    const line = nodeAt(final, "/one-line").attempts[0]!;
    expect(line.bytes).toBe(104857601);
    expect(line.lineCount).toBe(1600);
    expect(peakHeap).toBeLessThan(150 * 1024 * 1024);
    let length = 0;
    for await (const piece of harness.engine.logText(detail.id, "/one-line", 1).text) length += piece.length;
    expect(length).toBe(104857601);
  }, 120_000);
});
