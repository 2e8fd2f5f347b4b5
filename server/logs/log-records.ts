import fs from "node:fs";
import { BLOCK_MARK } from "./log-format";

const NEWLINE = 10;
const TAB = 9;
const READ_CHUNK = 256 * 1024;

/** One line record: `<ts>\t<code>\t<text>\n`; `text` is a view of the reader's buffer. */
export interface LineRecord {
  kind: "line";
  /** Null when the record is malformed (it still counts as a line). */
  ts: number | null;
  code: number;
  text: Buffer;
  /** Byte offset of the record in the file, and of the byte after it. */
  offset: number;
  end: number;
}

/** One block: `@<ts>\t<code>\t<firstLine>\t<lines>\t<bytes>\n` then `bytes` bytes holding `lines` lines. */
export interface BlockRecord {
  kind: "block";
  ts: number;
  code: number;
  firstLine: number;
  lines: number;
  /** The lines, each ending in `\n`; a view of the reader's buffer. */
  body: Buffer;
  offset: number;
  end: number;
}

export type LogRecord = LineRecord | BlockRecord;

/** The block header for `lines` lines of `bytes` bytes starting at line `firstLine`. */
export function blockHeader(ts: number, code: string, firstLine: number, lines: number, bytes: number): Buffer {
  return Buffer.from(`@${ts}\t${code}\t${firstLine}\t${lines}\t${bytes}\n`, "latin1");
}

/**
 * The records of a log file from byte `start`, read in large pieces. Each record's buffers are
 * valid until the next one is asked for. A torn record at the end (a write cut short) ends the walk.
 */
export function* readRecords(fd: number, start: number): Generator<LogRecord> {
  let buf = Buffer.allocUnsafe(READ_CHUNK);
  let base = start; // file offset of buf[0]
  let len = 0;
  let pos = 0;
  for (;;) {
    const record = parseAt(buf, pos, len, base);
    if (record) {
      pos = record.end - base;
      yield record;
      continue;
    }
    if (pos > 0) {
      buf.copy(buf, 0, pos, len);
      base += pos;
      len -= pos;
      pos = 0;
    }
    if (len === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const read = fs.readSync(fd, buf, len, buf.length - len, base + len);
    if (read <= 0) return;
    len += read;
  }
}

/** The record at `pos` of `buf` (valid bytes up to `len`), or null when it is not all there. */
function parseAt(buf: Buffer, pos: number, len: number, base: number): LogRecord | null {
  if (pos >= len) return null;
  const nl = buf.indexOf(NEWLINE, pos);
  if (nl < 0 || nl >= len) return null;
  if (buf[pos] === BLOCK_MARK) {
    const fields = buf.toString("latin1", pos + 1, nl).split("\t");
    const bytes = Number(fields[4]);
    const bodyStart = nl + 1;
    if (fields.length !== 5 || !Number.isSafeInteger(bytes) || bytes < 0) {
      // Not a block header after all: read it as a (malformed) line.
      return { kind: "line", ts: null, code: 0, text: buf.subarray(pos, nl), offset: base + pos, end: base + nl + 1 };
    }
    if (bodyStart + bytes > len) return null;
    return {
      kind: "block",
      ts: Number(fields[0]),
      code: fields[1]!.charCodeAt(0),
      firstLine: Number(fields[2]),
      lines: Number(fields[3]),
      body: buf.subarray(bodyStart, bodyStart + bytes),
      offset: base + pos,
      end: base + bodyStart + bytes,
    };
  }
  const t1 = buf.indexOf(TAB, pos);
  if (t1 < 0 || t1 > nl || buf[t1 + 2] !== TAB || t1 + 2 > nl) {
    return { kind: "line", ts: null, code: 0, text: buf.subarray(pos, nl), offset: base + pos, end: base + nl + 1 };
  }
  return {
    kind: "line",
    ts: Number(buf.toString("latin1", pos, t1)),
    code: buf[t1 + 1]!,
    text: buf.subarray(t1 + 3, nl),
    offset: base + pos,
    end: base + nl + 1,
  };
}

/** Calls `visit` for each line of a block: its text (without the newline) and whether it is cut. */
export function forEachBlockLine(block: BlockRecord, visit: (text: Buffer, index: number) => boolean | void): void {
  const body = block.body;
  let start = 0;
  for (let i = 0; i < block.lines; i++) {
    let nl = body.indexOf(NEWLINE, start);
    if (nl < 0) nl = body.length;
    if (visit(body.subarray(start, nl), i) === false) return;
    start = nl + 1;
  }
}

/** Whether a record's stream code marks a cut line (upper case). */
export function isCut(code: number): boolean {
  return code >= 65 && code <= 90;
}
