import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INDEX_EVERY, MAX_LINE_BYTES, indexPath } from "./log-format";
import { countLogLines, readLogPage, readLogText, readStreamText } from "./log-reader";
import { LogWriter } from "./log-writer";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-log-writer-"));
  file = path.join(dir, "logs", "p1", "node.1.log");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function download(logFile: string): Promise<string> {
  let text = "";
  for await (const piece of readLogText(logFile)) text += piece;
  return text;
}

function numbered(from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i++) text += `line ${i}\n`;
  return text;
}

describe("LogWriter and the log reader", () => {
  it("stores a chunk of many lines with one header, and pages it by line number through the index", async () => {
    const writer = new LogWriter(file);
    writer.write("stdout", Buffer.from(numbered(0, 1000)));
    writer.write("stderr", Buffer.from(numbered(1000, 1300)));
    expect(writer.close()).toEqual({ lineCount: 1300, outputBytes: Buffer.byteLength(numbered(0, 1300)) });
    // Two chunks, two headers: the file is the output plus two short block headers.
    expect(fs.statSync(file).size - Buffer.byteLength(numbered(0, 1300))).toBeLessThan(100);
    expect(fs.statSync(indexPath(file)).size).toBe(Math.ceil(1300 / INDEX_EVERY) * 8);
    const page = readLogPage(file, 990, 20);
    expect(page.map((l) => l.n)).toEqual(Array.from({ length: 20 }, (_, i) => 990 + i));
    expect(page.map((l) => l.text)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${990 + i}`));
    expect(page[9]!.stream).toBe("stdout");
    expect(page[10]!.stream).toBe("stderr");
    expect(page[0]!.ts).toBeGreaterThan(Date.now() - 60_000);
    expect(readLogPage(file, 1299, 10).map((l) => l.text)).toEqual(["line 1299"]);
    expect(countLogLines(file)).toBe(1300);
    expect(await download(file)).toBe(numbered(0, 1300));
    expect(readStreamText(file, "stderr")).toBe(numbered(1000, 1300));
  });

  it("joins a line split across chunks, and keeps an unterminated last line", async () => {
    const writer = new LogWriter(file);
    writer.write("stdout", Buffer.from("first\nsec"));
    writer.write("stdout", Buffer.from("ond\nthi"));
    writer.write("stdout", Buffer.from("rd"));
    expect(writer.close().lineCount).toBe(3);
    expect(readLogPage(file, 0, 10).map((l) => l.text)).toEqual(["first", "second", "third"]);
    expect(await download(file)).toBe("first\nsecond\nthird\n");
  });

  it("cuts a line over the limit inside a chunk into marked records and goes on with the lines after it", async () => {
    const long = "y".repeat(MAX_LINE_BYTES * 2 + 10);
    const writer = new LogWriter(file);
    writer.write("stdout", Buffer.from(`before\n${long}\nafter 1\nafter 2\n`));
    writer.close();
    const lines = readLogPage(file, 0, 100);
    expect(lines.map((l) => l.text.length)).toEqual([6, MAX_LINE_BYTES, MAX_LINE_BYTES, 10, 7, 7]);
    expect(lines.at(-1)!.text).toBe("after 2");
    expect(await download(file)).toBe(`before\n${long}\nafter 1\nafter 2\n`);
  });

  it("gives the transform every whole line, also one split across chunks, and stores what it returns", async () => {
    const seen: string[] = [];
    const writer = new LogWriter(file, {
      transformLine: (text) => {
        seen.push(text.toString());
        return Buffer.from(text.toString().replaceAll("hunter2", "***"));
      },
    });
    writer.write("stdout", Buffer.from("a hunter2 b\nc hun"));
    writer.write("stdout", Buffer.from("ter2 d\n"));
    writer.close();
    // Whole lines only (one, or a block of them with their newlines): the split one in one piece.
    expect(seen.flatMap((piece) => piece.split("\n").filter(Boolean))).toEqual(["a hunter2 b", "c hunter2 d"]);
    expect(await download(file)).toBe("a *** b\nc *** d\n");
  });

  it("streams each whole line to a watcher while one watches, and reads back what was written either way", () => {
    const watched: string[] = [];
    const writer = new LogWriter(file);
    writer.write("stdout", Buffer.from(numbered(0, 3)));
    writer.setWatcher((lines) => watched.push(...lines.map((l) => `${l.n}:${l.text}`)));
    writer.write("stdout", Buffer.from(numbered(3, 5)));
    writer.setWatcher(undefined);
    writer.write("stdout", Buffer.from(numbered(5, 7)));
    writer.close();
    expect(watched).toEqual(["3:line 3", "4:line 4"]);
    expect(readLogPage(file, 0, 10).map((l) => `${l.n}:${l.text}`)).toEqual(Array.from({ length: 7 }, (_, i) => `${i}:line ${i}`));
  });

  it("creates no file for an attempt that printed nothing, and reads a missing log as empty", async () => {
    const writer = new LogWriter(file);
    expect(writer.close()).toEqual({ lineCount: 0, outputBytes: 0 });
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
    expect(readLogPage(file, 0, 10)).toEqual([]);
    expect(countLogLines(file)).toBe(0);
    expect(await download(file)).toBe("");
    expect(readStreamText(file, "stdout")).toBe("");
  });

  it("continues a log after a write torn by a crash: the torn record is cut off and the index rebuilt", () => {
    const writer = new LogWriter(file);
    writer.write("stdout", Buffer.from(numbered(0, 300)));
    writer.close();
    const whole = fs.statSync(file).size;
    fs.appendFileSync(file, `@${Date.now()}\to\t300\t2\t16\nline 300\nli`); // a block cut short
    const resumed = new LogWriter(file, { append: true });
    expect(resumed.lineCount).toBe(300);
    expect(resumed.outputBytes).toBe(Buffer.byteLength(numbered(0, 300)));
    expect(fs.statSync(file).size).toBe(whole);
    resumed.write("stdout", Buffer.from(numbered(300, 600)));
    resumed.system("worker_error: the server restarted");
    expect(resumed.close().lineCount).toBe(601);
    expect(readLogPage(file, 510, 3).map((l) => l.text)).toEqual(["line 510", "line 511", "line 512"]);
    expect(readLogPage(file, 600, 3).map((l) => `${l.stream}:${l.text}`)).toEqual(["system:worker_error: the server restarted"]);
    expect(countLogLines(file)).toBe(601);
  });

  it("reads logs of line records only, as written before blocks existed", () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "1700000000000\to\tone\n1700000000001\tE\tpart \n1700000000001\te\tof two\n");
    expect(readLogPage(file, 0, 10)).toEqual([
      { n: 0, ts: 1700000000000, stream: "stdout", text: "one" },
      { n: 1, ts: 1700000000001, stream: "stderr", text: "part " },
      { n: 2, ts: 1700000000001, stream: "stderr", text: "of two" },
    ]);
    expect(readStreamText(file, "stderr")).toBe("part of two\n");
  });
});
