import fs from "node:fs";
import type { LogLine } from "../../shared/api/pipeline-views";
import { INDEX_EVERY, STREAM_NAME, indexPath } from "./log-format";

const READ_CHUNK = 256 * 1024;

function parseRecord(raw: Buffer, n: number): LogLine | null {
  const t1 = raw.indexOf(9);
  if (t1 < 0 || raw[t1 + 2] !== 9) return null;
  const code = String.fromCharCode(raw[t1 + 1] ?? 0).toLowerCase() as keyof typeof STREAM_NAME;
  const stream = STREAM_NAME[code];
  if (!stream) return null;
  return { n, ts: Number(raw.subarray(0, t1).toString("latin1")), stream, text: raw.subarray(t1 + 3).toString("utf8") };
}

function offsetOfRecord(file: string, n: number): number {
  const slot = Math.floor(n / INDEX_EVERY);
  try {
    const fd = fs.openSync(indexPath(file), "r");
    try {
      const buf = Buffer.alloc(8);
      const read = fs.readSync(fd, buf, 0, 8, slot * 8);
      if (read === 8) return Number(buf.readBigUInt64LE(0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // No index: scan from the start.
  }
  return -1;
}

/**
 * Reads `limit` lines of a log from line `from`, seeking through the index, reading only what the
 * page needs.
 */
export function readLogPage(file: string, from: number, limit: number): LogLine[] {
  if (!fs.existsSync(file)) return [];
  let offset = offsetOfRecord(file, from);
  let lineNo = offset >= 0 ? Math.floor(from / INDEX_EVERY) * INDEX_EVERY : 0;
  if (offset < 0) offset = 0;
  const lines: LogLine[] = [];
  const fd = fs.openSync(file, "r");
  try {
    let carry: Buffer = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const read = fs.readSync(fd, buf, 0, READ_CHUNK, offset);
      if (read <= 0) break;
      offset += read;
      const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, read)]) : buf.subarray(0, read);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(10, start);
        if (nl < 0) break;
        if (lineNo >= from) {
          const line = parseRecord(data.subarray(start, nl), lineNo);
          if (line) lines.push(line);
          if (lines.length >= limit) return lines;
        }
        lineNo++;
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

/** Streams a whole log as plain text (the download): one line per record, cut lines joined again. */
export async function* readLogText(file: string): AsyncGenerator<string> {
  if (!fs.existsSync(file)) return;
  const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  let carry = Buffer.alloc(0);
  let out: string[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0) break;
      const t1 = data.indexOf(9, start);
      const code = data[t1 + 1] ?? 0;
      const continued = code >= 65 && code <= 90;
      out.push(data.subarray(t1 + 3, nl).toString("utf8"));
      if (!continued) out.push("\n");
      start = nl + 1;
    }
    carry = Buffer.from(data.subarray(start));
    if (out.length > 0) {
      yield out.join("");
      out = [];
    }
  }
}

/** Counts records of a log file (used when no live count is at hand). */
export function countLogLines(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const data = fs.readFileSync(file);
  let count = 0;
  let start = 0;
  for (;;) {
    const nl = data.indexOf(10, start);
    if (nl < 0) return count;
    count++;
    start = nl + 1;
  }
}

/** One stream of a log as the command wrote it (cut lines joined again): a generate step's stdout after a restart. */
export function readStreamText(file: string, stream: "stdout" | "stderr"): string {
  if (!fs.existsSync(file)) return "";
  const code = stream === "stdout" ? 111 : 101; // 'o' | 'e'
  const data = fs.readFileSync(file);
  const parts: string[] = [];
  let start = 0;
  for (;;) {
    const nl = data.indexOf(10, start);
    if (nl < 0) break;
    const t1 = data.indexOf(9, start);
    const c = data[t1 + 1] ?? 0;
    if (c === code || c === code - 32) {
      parts.push(data.subarray(t1 + 3, nl).toString("utf8"));
      if (c === code) parts.push("\n");
    }
    start = nl + 1;
  }
  return parts.join("");
}
