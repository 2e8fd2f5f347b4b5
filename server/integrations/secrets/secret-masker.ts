import { MIN_SECRET_LENGTH } from "../../../shared/api/secrets";
import type { OutputStream } from "../../executors/executor";
import { AhoCorasick } from "./aho-corasick";

export const MASK = "***";
const MASK_BYTES = Buffer.from(MASK);
/**
 * Up to this many pieces, a text is first searched for each piece natively (Buffer#indexOf, tens
 * of ms per 100 MB and piece); most text holds none and is passed on untouched. More pieces
 * go straight to the automaton, whose cost does not grow with their number.
 */
const NATIVE_SEARCH_UP_TO = 32;

/** Masks one attempt's log records; keeps what a long line cut into records needs across them. */
export type LineMasker = (text: Buffer, stream: OutputStream, continued: boolean) => Buffer;

/**
 * Replaces every occurrence of secret values in log text by `***`: lines, or blocks of whole
 * lines. Text with no value is returned as it is, without a copy or a string: a native search
 * per value finds that for a few values; an Aho-Corasick automaton, one pass whatever their
 * number, for many, and masks where a value is found. Where values overlap, the union of what they cover is
 * masked. A multi-line value is masked line by line (a log line never holds a newline); a line
 * of it shorter than MIN_SECRET_LENGTH (a lone `}`) is not masked on its own, as that would mask
 * it everywhere.
 *
 * A line longer than the log's record size is stored as several records: a value cut by such a
 * boundary is masked too — the end of a record that begins some value is masked (a few
 * characters of a very long line may be masked for nothing), and the next record's start that
 * completes it.
 */
export class SecretMasker {
  private readonly automaton: AhoCorasick;
  private readonly needles: Buffer[] | null;

  private constructor(readonly pieces: readonly string[]) {
    const bytes = pieces.map((piece) => Buffer.from(piece, "utf8"));
    this.automaton = new AhoCorasick(bytes);
    this.needles = bytes.length <= NATIVE_SEARCH_UP_TO ? bytes : null;
  }

  /** A masker for these values, or null when none is long enough to mask. */
  static of(values: Iterable<string>): SecretMasker | null {
    const pieces = new Set<string>();
    for (const value of values) {
      for (const line of value.split("\n")) {
        const piece = line.endsWith("\r") ? line.slice(0, -1) : line;
        if (piece.length >= MIN_SECRET_LENGTH) pieces.add(piece);
      }
    }
    if (pieces.size === 0) return null;
    return new SecretMasker([...pieces]);
  }

  /** The text with every value replaced by `***`. */
  mask(text: string): string {
    const bytes = Buffer.from(text, "utf8");
    const masked = this.maskBytes(bytes, 0, false).bytes;
    return masked === bytes ? text : masked.toString("utf8");
  }

  /** A masker for one attempt's log, per stream: masks values cut across the records of a very long line. */
  session(): LineMasker {
    const carried: Record<OutputStream, number> = { stdout: 0, stderr: 0, system: 0 };
    return (text, stream, continued) => {
      const { bytes, state } = this.maskBytes(text, carried[stream], continued);
      carried[stream] = continued ? state : 0;
      return bytes;
    };
  }

  /**
   * Masks `text`, scanning from automaton state `from` (a value begun in the previous record).
   * With `openEnd`, the end of the text that begins a value is masked too. Returns the state at the end.
   */
  private maskBytes(text: Buffer, from: number, openEnd: boolean): { bytes: Buffer; state: number } {
    if (from === 0 && !openEnd && this.needles && !this.needles.some((needle) => text.includes(needle))) return { bytes: text, state: 0 };
    const ranges: number[] = [];
    // Ranges [start, end] as flat pairs; ends only grow, so a new range swallows the ones it overlaps.
    const add = (start: number, end: number) => {
      while (ranges.length > 0 && start <= ranges[ranges.length - 1]!) {
        start = Math.min(start, ranges[ranges.length - 2]!);
        ranges.length -= 2;
      }
      ranges.push(start, end);
    };
    const state = this.automaton.scan(text, from, (end, length) => add(Math.max(0, end - length + 1), end));
    if (openEnd) {
      const open = this.automaton.depthOf(state);
      if (open > 0) add(Math.max(0, text.length - open), text.length - 1);
    }
    if (ranges.length === 0) return { bytes: text, state };
    const parts: Buffer[] = [];
    let at = 0;
    for (let i = 0; i < ranges.length; i += 2) {
      parts.push(text.subarray(at, ranges[i]!), MASK_BYTES);
      at = ranges[i + 1]! + 1;
    }
    parts.push(text.subarray(at));
    return { bytes: Buffer.concat(parts), state };
  }
}
