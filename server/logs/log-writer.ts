import fs from "node:fs";
import type { LogLine } from "../../shared/api/pipeline-views";
import type { OutputStream } from "../executors/executor";
import { INDEX_EVERY, MAX_LINE_BYTES, STREAM_CODE, STREAM_NAME, indexPath } from "./log-format";

const NEWLINE = 10;
const FLUSH_AT = 256 * 1024;

export interface LogWriterOptions {
  /** Receives each batch of completed lines; set only while someone watches, as it costs a string per line. */
  onLines?: ((lines: LogLine[]) => void) | undefined;
  /** Rewrites a line's text before it is stored or streamed (secret masking). */
  transformLine?: ((text: string) => string) | undefined;
  /** Continue an existing log (a re-attached attempt): counts are read from the file. */
  append?: boolean;
}

/**
 * Frames an attempt's output into timestamped line records and appends them to disk as they
 * come. Memory stays bounded by MAX_LINE_BYTES per stream plus one flush buffer, whatever the
 * command prints.
 */
export class LogWriter {
  lineCount = 0;
  /** Bytes of output received (the command's own bytes, before framing). */
  outputBytes = 0;
  private fileBytes = 0;
  private readonly fd: number;
  private readonly indexFd: number;
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
    if (options.append && fs.existsSync(file)) {
      const counted = countExisting(file);
      this.lineCount = counted.lines;
      this.fileBytes = counted.fileBytes;
      this.outputBytes = counted.outputBytes;
      this.fd = fs.openSync(file, "a");
      this.indexFd = fs.openSync(indexPath(file), "a");
    } else {
      this.fd = fs.openSync(file, "w");
      this.indexFd = fs.openSync(indexPath(file), "w");
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
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.completeLine(stream, chunk.subarray(start, nl), ts);
      start = nl + 1;
    }
    if (start < chunk.length) this.keepPartial(stream, chunk.subarray(start), ts);
    this.flush();
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
      fs.closeSync(this.fd);
      fs.closeSync(this.indexFd);
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
    let body = text;
    let asString: string | null = null;
    if (this.options.transformLine) {
      asString = this.options.transformLine(text.toString("utf8"));
      body = Buffer.from(asString, "utf8");
    }
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
        text: asString ?? body.toString("utf8"),
      });
    }
    this.lineCount++;
  }

  private flush(): void {
    if (this.outLength > 0) {
      fs.writeSync(this.fd, this.out, 0, this.outLength);
      this.fileBytes += this.outLength;
      this.outLength = 0;
    }
    if (this.indexBuffer.length > 0) {
      const buf = Buffer.allocUnsafe(this.indexBuffer.length * 8);
      this.indexBuffer.forEach((offset, i) => buf.writeBigUInt64LE(BigInt(offset), i * 8));
      fs.writeSync(this.indexFd, buf);
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

/** Counts an existing log's records and output bytes (for an attempt continued after a restart). */
function countExisting(file: string): { lines: number; fileBytes: number; outputBytes: number } {
  const data = fs.readFileSync(file);
  let lines = 0;
  let outputBytes = 0;
  let start = 0;
  for (;;) {
    const nl = data.indexOf(NEWLINE, start);
    if (nl < 0) break;
    const firstTab = data.indexOf(9, start);
    const code = String.fromCharCode(data[firstTab + 1] ?? 0);
    const textStart = firstTab + 3;
    if (code !== "s" && code !== "S") outputBytes += nl - textStart + (code === "o" || code === "e" ? 1 : 0);
    lines++;
    start = nl + 1;
  }
  return { lines, fileBytes: data.length, outputBytes };
}
