/**
 * One attempt's log on disk: a text file of records `<ms timestamp>\t<stream>\t<bytes>\n`, one
 * per output line, written as output arrives. Stream is `o` stdout, `e` stderr, `s` system
 * (Baton's own notes: image builds, why a node was killed); upper case marks a line cut at
 * MAX_LINE_BYTES whose rest follows in the next record. Beside it, `<file>.idx` holds the byte
 * offset of every INDEX_EVERY-th record (little-endian 64-bit), so a page at any line number
 * is one seek away.
 */
export const MAX_LINE_BYTES = 64 * 1024;
export const INDEX_EVERY = 256;

export type StreamCode = "o" | "e" | "s";

export const STREAM_CODE = { stdout: "o", stderr: "e", system: "s" } as const;
export const STREAM_NAME = { o: "stdout", e: "stderr", s: "system" } as const;

export function indexPath(logFile: string): string {
  return `${logFile}.idx`;
}
