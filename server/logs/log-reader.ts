import fs from "node:fs";
import type { LogLine } from "../../shared/api/pipeline-views";
import { INDEX_EVERY, STREAM_NAME, indexPath } from "./log-format";
import { forEachBlockLine, isCut, readRecords, type LogRecord } from "./log-records";

/** Text given out per piece of a download. */
const TEXT_PIECE = 256 * 1024;

function streamOf(code: number): LogLine["stream"] | null {
  return STREAM_NAME[String.fromCharCode(code).toLowerCase() as keyof typeof STREAM_NAME] ?? null;
}

function offsetOfLine(file: string, n: number): number {
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

function openLog(file: string): number | null {
  try {
    return fs.openSync(file, "r");
  } catch (error) {
    // No file: nothing was written yet (the writer creates it with the first output).
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Calls `visit` for each record of a log from byte `offset`; false from `visit` stops. */
function walkRecords(file: string, offset: number, visit: (record: LogRecord) => boolean | void): void {
  const fd = openLog(file);
  if (fd === null) return;
  try {
    for (const record of readRecords(fd, offset)) if (visit(record) === false) return;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads `limit` lines of a log from line `from`, seeking through the index, reading only what the
 * page needs.
 */
export function readLogPage(file: string, from: number, limit: number): LogLine[] {
  const lines: LogLine[] = [];
  if (limit <= 0) return lines;
  let offset = offsetOfLine(file, from);
  // An index entry points at line slot × INDEX_EVERY itself, or at the block holding it.
  let lineNo = offset >= 0 ? Math.floor(from / INDEX_EVERY) * INDEX_EVERY : 0;
  if (offset < 0) offset = 0;
  walkRecords(file, offset, (record) => {
    if (record.kind === "line") {
      const stream = streamOf(record.code);
      if (lineNo >= from && record.ts !== null && stream) lines.push({ n: lineNo, ts: record.ts, stream, text: record.text.toString("utf8") });
      lineNo++;
      return lines.length < limit;
    }
    lineNo = record.firstLine;
    if (lineNo + record.lines <= from) {
      lineNo += record.lines;
      return true;
    }
    const stream = streamOf(record.code);
    forEachBlockLine(record, (text) => {
      if (lineNo >= from && stream) lines.push({ n: lineNo, ts: record.ts, stream, text: text.toString("utf8") });
      lineNo++;
      return lines.length < limit;
    });
    return lines.length < limit;
  });
  return lines;
}

/** Streams a whole log as plain text (the download): one line per record, cut lines joined again. */
export async function* readLogText(file: string): AsyncGenerator<string> {
  const fd = openLog(file);
  if (fd === null) return;
  try {
    let out: string[] = [];
    let size = 0;
    for (const record of readRecords(fd, 0)) {
      appendText(record, null, out);
      size += record.end - record.offset;
      if (size >= TEXT_PIECE) {
        yield out.join("");
        out = [];
        size = 0;
      }
    }
    if (out.length > 0) yield out.join("");
  } finally {
    fs.closeSync(fd);
  }
}

/** Counts the lines of a log file (used when no live count is at hand). */
export function countLogLines(file: string): number {
  let count = 0;
  walkRecords(file, 0, (record) => {
    count += record.kind === "line" ? 1 : record.lines;
  });
  return count;
}

/** One stream of a log as the command wrote it (cut lines joined again): a generate step's stdout after a restart. */
export function readStreamText(file: string, stream: "stdout" | "stderr"): string {
  const code = stream === "stdout" ? 111 : 101; // 'o' | 'e'
  const parts: string[] = [];
  walkRecords(file, 0, (record) => appendText(record, code, parts));
  return parts.join("");
}

/** The text a record stands for, with a newline after each line that is not cut; only stream `code` when given. */
function appendText(record: LogRecord, code: number | null, parts: string[]): void {
  const cut = isCut(record.code);
  if (code !== null && record.code !== code && record.code !== code - 32) return;
  if (record.kind === "line") {
    parts.push(record.text.toString("utf8"));
    if (!cut) parts.push("\n");
    return;
  }
  // A block's lines already end in newlines; a cut line's newline only ends its record.
  parts.push((cut ? record.body.subarray(0, Math.max(0, record.body.length - 1)) : record.body).toString("utf8"));
}
