/**
 * One attempt's log on disk, written as output arrives: a sequence of records of two kinds.
 *
 *   line    `<ms timestamp>\t<stream>\t<text>\n`: one line.
 *   block   `@<ms timestamp>\t<stream>\t<first line>\t<lines>\t<bytes>\n` then `bytes` bytes:
 *           `lines` lines of one stream, each ending in `\n`, numbered from `first line`, that
 *           share the timestamp: the complete lines of one chunk of output, stored as they came.
 *
 * Both mean the same per line (timestamp, stream, text, cut or not); the writer stores a chunk
 * as one block when it can (no live watcher, no line over MAX_LINE_BYTES), so a flood costs one
 * header per chunk instead of one per line. Every line of a chunk has always
 * had the chunk's arrival time. Stream is `o` stdout, `e` stderr, `s` system (Baton's own notes:
 * image builds, why a node was killed); upper case marks a line cut at MAX_LINE_BYTES whose rest
 * follows in the next record. Beside the log, `<file>.idx` holds for every INDEX_EVERY-th line
 * (little-endian 64-bit) the byte offset of the record holding it: that line itself, or the
 * block it is in. A page at any line number is one seek away. No file yet means no output yet.
 */
export const MAX_LINE_BYTES = 64 * 1024;
export const INDEX_EVERY = 256;
/** `@`, the first byte of a block record (a line record starts with a digit). */
export const BLOCK_MARK = 64;

export type StreamCode = "o" | "e" | "s";

export const STREAM_CODE = { stdout: "o", stderr: "e", system: "s" } as const;
export const STREAM_NAME = { o: "stdout", e: "stderr", s: "system" } as const;

export function indexPath(logFile: string): string {
  return `${logFile}.idx`;
}
