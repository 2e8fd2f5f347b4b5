import fs from "node:fs";
import path from "node:path";
import type { LogLine } from "../../shared/api/pipeline-views";
import type { OutputStream } from "../executors/executor";
import { INDEX_EVERY, MAX_LINE_BYTES, STREAM_CODE, STREAM_NAME, indexPath } from "./log-format";
import { blockHeader, isCut, readRecords } from "./log-records";

const NEWLINE = 10;
const FLUSH_AT = 256 * 1024;
/** A block body up to this size is copied into the write buffer; a larger one is written from where it is. */
const COPY_BELOW = 16 * 1024;

export interface LogWriterOptions {
  /** Receives each batch of completed lines; set only while someone watches, as it costs a string per line. */
  onLines?: ((lines: LogLine[]) => void) | undefined;
  /**
   * Rewrites a line's bytes before they are stored or streamed (secret masking); returns `text`
   * itself when nothing changes. `continued`: a record of a long line that more records continue.
   */
  transformLine?: ((text: Buffer, stream: OutputStream, continued: boolean) => Buffer) | undefined;
  /**
   * The same rewrite for a block of whole lines at once (it keeps their newlines): with it, a
   * transformed log keeps block mode; with transformLine alone, every line is a record.
   */
  transformBlock?: ((block: Buffer, stream: OutputStream) => Buffer) | undefined;
  /** Continue an existing log (a re-attached attempt): counts are read from the file. */
  append?: boolean;
}

/**
 * Frames an attempt's output into timestamped records (log-format.ts) and appends them to disk
 * as they come: each chunk's complete lines as one block written straight from the chunk, or,
 * while a watcher needs every line on its own, one record per line. Memory
 * stays bounded by MAX_LINE_BYTES per stream plus one flush buffer, whatever the command prints.
 */
export class LogWriter {
  lineCount = 0;
  /** Bytes of output received (the command's own bytes, before framing). */
  outputBytes = 0;
  private fileBytes = 0;
  /** Opened with the first output: an attempt that prints nothing costs no file. */
  private fd: number | null = null;
  private indexFd: number | null = null;
  private readonly appending: boolean;
  private out = Buffer.allocUnsafe(FLUSH_AT + MAX_LINE_BYTES + 64);
  private outLength = 0;
  private indexBuffer: number[] = [];
  private readonly partial: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [], system: [] };
  private readonly partialBytes: Record<OutputStream, number> = { stdout: 0, stderr: 0, system: 0 };
  private pendingLines: LogLine[] | null = null;
  private header = Buffer.alloc(0);
  private headerTs = -1;
  private headerCode = "";
  private closed = false;

  constructor(
    readonly file: string,
    private options: LogWriterOptions = {},
  ) {
    this.appending = options.append === true && fs.existsSync(file);
    if (this.appending) {
      const counted = countExisting(file);
      this.lineCount = counted.lines;
      this.fileBytes = counted.fileBytes;
      this.outputBytes = counted.outputBytes;
    }
  }

  setWatcher(onLines: LogWriterOptions["onLines"]): void {
    this.options = { ...this.options, onLines };
  }

  write(stream: OutputStream, chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    // The command's own bytes: what an executor re-attaching after a restart has already delivered.
    if (stream !== "system") this.outputBytes += chunk.length;
    const ts = Date.now();
    // Stored as blocks (the chunk's bytes as they came) unless each line must be seen on its own.
    if (stream !== "system" && !this.options.onLines && (!this.options.transformLine || this.options.transformBlock)) this.writeBlock(stream, chunk, ts);
    else this.writeLines(stream, chunk, 0, ts);
    this.flush();
  }

  /** Line by line, each a record: what a watcher or a line transform needs, and system lines. */
  private writeLines(stream: OutputStream, chunk: Buffer, from: number, ts: number): void {
    let start = from;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.completeLine(stream, chunk.subarray(start, nl), ts);
      start = nl + 1;
    }
    if (start < chunk.length) this.keepPartial(stream, chunk.subarray(start), ts);
  }

  /**
   * The chunk's complete lines as one block record, written without copying them; the line a
   * previous chunk began and any line over MAX_LINE_BYTES (to be cut) go line by line.
   */
  private writeBlock(stream: OutputStream, chunk: Buffer, ts: number): void {
    let start = 0;
    if (this.partialBytes[stream] > 0) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        this.keepPartial(stream, chunk, ts);
        return;
      }
      this.completeLine(stream, chunk.subarray(0, nl), ts);
      start = nl + 1;
    }
    let lines = 0;
    let end = start;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, end);
      if (nl < 0 || nl - end > MAX_LINE_BYTES) break;
      lines++;
      end = nl + 1;
    }
    if (lines > 0) {
      const block = chunk.subarray(start, end);
      this.appendBlock(stream, this.options.transformBlock ? this.options.transformBlock(block, stream) : block, lines, ts);
    }
    this.writeLines(stream, chunk, end, ts);
  }

  private appendBlock(stream: OutputStream, body: Buffer, lines: number, ts: number): void {
    const header = blockHeader(ts, STREAM_CODE[stream], this.lineCount, lines, body.length);
    const offset = this.fileBytes + this.outLength;
    const firstIndexed = Math.ceil(this.lineCount / INDEX_EVERY) * INDEX_EVERY;
    for (let n = firstIndexed; n < this.lineCount + lines; n += INDEX_EVERY) this.indexBuffer.push(offset);
    this.lineCount += lines;
    if (body.length < COPY_BELOW && this.outLength + header.length + body.length <= FLUSH_AT) {
      this.outLength += header.copy(this.out, this.outLength);
      this.outLength += body.copy(this.out, this.outLength);
      return;
    }
    // Large: one writev of what is buffered, the header and the chunk itself.
    const pieces = this.outLength > 0 ? [this.out.subarray(0, this.outLength), header, body] : [header, body];
    const bytes = this.outLength + header.length + body.length;
    writeAll(this.openLog(), pieces, bytes);
    this.fileBytes += bytes;
    this.outLength = 0;
  }

  /** The log's descriptor, opening the log (and its directory) with the first output. */
  private openLog(): number {
    if (this.fd === null) {
      const flags = this.appending ? "a" : "w";
      try {
        this.fd = fs.openSync(this.file, flags);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        this.fd = fs.openSync(this.file, flags);
      }
      this.indexFd = fs.openSync(indexPath(this.file), flags);
    }
    return this.fd;
  }

  /** A line of Baton's own (why a node was killed, image build steps). */
  system(text: string): void {
    if (this.closed) return;
    this.write("system", Buffer.from(text.endsWith("\n") ? text : `${text}\n`));
  }

  /** Writes what is left of unterminated lines and closes the files. */
  close(): { lineCount: number; outputBytes: number } {
    if (!this.closed) {
      const ts = Date.now();
      for (const stream of ["stdout", "stderr", "system"] as const) {
        if (this.partialBytes[stream] > 0) this.completeLine(stream, Buffer.alloc(0), ts);
      }
      this.flush();
      this.closed = true;
      if (this.fd !== null) fs.closeSync(this.fd);
      if (this.indexFd !== null) fs.closeSync(this.indexFd);
    }
    return { lineCount: this.lineCount, outputBytes: this.outputBytes };
  }

  private keepPartial(stream: OutputStream, bytes: Buffer, ts: number): void {
    let rest = bytes;
    while (this.partialBytes[stream] + rest.length > MAX_LINE_BYTES) {
      const take = MAX_LINE_BYTES - this.partialBytes[stream];
      this.partial[stream].push(rest.subarray(0, take));
      this.partialBytes[stream] += take;
      this.emit(stream, true, ts);
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      // Copy: the executor may reuse its chunk buffers.
      this.partial[stream].push(Buffer.from(rest));
      this.partialBytes[stream] += rest.length;
    }
  }

  private completeLine(stream: OutputStream, tail: Buffer, ts: number): void {
    if (this.partialBytes[stream] > 0 || tail.length > MAX_LINE_BYTES) {
      this.keepPartial(stream, tail, ts);
      this.emit(stream, false, ts);
      return;
    }
    this.record(stream, false, tail, ts);
  }

  private emit(stream: OutputStream, continued: boolean, ts: number): void {
    const text = Buffer.concat(this.partial[stream], this.partialBytes[stream]);
    this.partial[stream] = [];
    this.partialBytes[stream] = 0;
    this.record(stream, continued, text, ts);
  }

  private record(stream: OutputStream, continued: boolean, text: Buffer, ts: number): void {
    const code = continued ? STREAM_CODE[stream].toUpperCase() : STREAM_CODE[stream];
    const body = this.options.transformLine ? this.options.transformLine(text, stream, continued) : text;
    if (this.lineCount % INDEX_EVERY === 0) this.indexBuffer.push(this.fileBytes + this.outLength);
    // Every line of one chunk shares its timestamp: the header is made once per chunk and stream.
    if (ts !== this.headerTs || code !== this.headerCode) {
      this.header = Buffer.from(`${ts}\t${code}\t`, "latin1");
      this.headerTs = ts;
      this.headerCode = code;
    }
    const header = this.header;
    if (this.outLength + header.length + body.length + 1 > this.out.length) {
      this.flush();
      if (header.length + body.length + 1 > this.out.length) this.out = Buffer.allocUnsafe(header.length + body.length + 1);
    }
    this.outLength += header.copy(this.out, this.outLength);
    this.outLength += body.copy(this.out, this.outLength);
    this.out[this.outLength++] = NEWLINE;
    if (this.options.onLines) {
      (this.pendingLines ??= []).push({
        n: this.lineCount,
        ts,
        stream: STREAM_NAME[STREAM_CODE[stream]],
        text: body.toString("utf8"),
      });
    }
    this.lineCount++;
  }

  private flush(): void {
    if (this.outLength > 0) {
      fs.writeSync(this.openLog(), this.out, 0, this.outLength);
      this.fileBytes += this.outLength;
      this.outLength = 0;
    }
    if (this.indexBuffer.length > 0) {
      this.openLog();
      fs.writeSync(this.indexFd!, indexEntries(this.indexBuffer));
      this.indexBuffer = [];
    }
    if (this.pendingLines && this.options.onLines) {
      const lines = this.pendingLines;
      this.pendingLines = null;
      this.options.onLines(lines);
    }
    this.pendingLines = null;
  }
}

function indexEntries(offsets: number[]): Buffer {
  const buf = Buffer.allocUnsafe(offsets.length * 8);
  offsets.forEach((offset, i) => buf.writeBigUInt64LE(BigInt(offset), i * 8));
  return buf;
}

function writeAll(fd: number, pieces: Buffer[], bytes: number): void {
  let written = fs.writevSync(fd, pieces);
  // A short write (rare on a file) goes on from where it stopped.
  while (written < bytes) {
    const rest = Buffer.concat(pieces).subarray(written);
    written += fs.writeSync(fd, rest);
  }
}

/**
 * Counts an existing log's lines and output bytes (for an attempt continued after a restart),
 * cuts off a record torn by a write the process did not live to finish, and writes the index
 * again to match.
 */
function countExisting(file: string): { lines: number; fileBytes: number; outputBytes: number } {
  let lines = 0;
  let outputBytes = 0;
  let end = 0;
  const index: number[] = [];
  const fd = fs.openSync(file, "r");
  try {
    for (const record of readRecords(fd, 0)) {
      const own = record.code !== 115 && record.code !== 83; // not 's' / 'S'
      const count = record.kind === "line" ? 1 : record.lines;
      for (let n = Math.ceil(lines / INDEX_EVERY) * INDEX_EVERY; n < lines + count; n += INDEX_EVERY) index.push(record.offset);
      if (own) {
        const text = record.kind === "line" ? record.text.length + 1 : record.body.length;
        // A cut line's newline only ends its record.
        outputBytes += isCut(record.code) ? text - 1 : text;
      }
      lines += count;
      end = record.end;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (fs.statSync(file).size > end) fs.truncateSync(file, end);
  fs.writeFileSync(indexPath(file), indexEntries(index));
  return { lines, fileBytes: end, outputBytes };
}
