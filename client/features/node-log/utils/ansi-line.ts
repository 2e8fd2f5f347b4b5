import Anser from "anser";

/** A run of log text in one style. Text is plain (React escapes it); styles are inline. */
export interface LogSegment {
  text: string;
  color?: string;
  background?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  /** Part of a search match. */
  match?: boolean;
}

/**
 * Anser's 16 standard colours are made for pure black; the log view's background is slate, so
 * they are swapped for a softer palette that stays readable (anser's rgb strings as keys).
 */
const PALETTE: Record<string, string> = {
  "0, 0, 0": "#64748b",
  "187, 0, 0": "#f87171",
  "0, 187, 0": "#4ade80",
  "187, 187, 0": "#facc15",
  "0, 0, 187": "#60a5fa",
  "187, 0, 187": "#e879f9",
  "0, 187, 187": "#22d3ee",
  "255, 255, 255": "#f8fafc",
  "85, 85, 85": "#94a3b8",
  "255, 85, 85": "#fca5a5",
  "0, 255, 0": "#86efac",
  "255, 255, 85": "#fde047",
  "85, 85, 255": "#93c5fd",
  "255, 85, 255": "#f0abfc",
  "85, 255, 255": "#67e8f9",
};

function toCss(rgb: string | null | undefined): string | undefined {
  if (!rgb) return undefined;
  return PALETTE[rgb] ?? `rgb(${rgb})`;
}

/** A carriage return redraws the line in a terminal: keep what was drawn last. */
function lastRedraw(text: string): string {
  const cr = text.lastIndexOf("\r", text.length - 2);
  return cr === -1 ? text.replace(/\r$/, "") : text.slice(cr + 1).replace(/\r$/, "");
}

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** The text a line shows, without escape sequences (what search looks in). */
export function stripAnsi(text: string): string {
  return lastRedraw(text).replace(ANSI_PATTERN, "");
}

const segmentCache = new Map<string, LogSegment[]>();
const SEGMENT_CACHE_LIMIT = 2_000;

/** Splits a line with ANSI SGR codes into styled segments; other escape sequences are dropped. */
export function ansiToSegments(text: string): LogSegment[] {
  const cached = segmentCache.get(text);
  if (cached) return cached;
  const source = lastRedraw(text);
  let segments: LogSegment[];
  // eslint-disable-next-line no-control-regex
  if (!/[\u001b]/.test(source)) {
    segments = source ? [{ text: source }] : [];
  } else {
    segments = [];
    for (const entry of Anser.ansiToJson(source, { json: true, remove_empty: true })) {
      // eslint-disable-next-line no-control-regex
      const content = entry.content.replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, "");
      if (!content) continue;
      const decorations = entry.decorations ?? [];
      const reverse = decorations.includes("reverse");
      const fg = toCss(entry.fg_truecolor || entry.fg);
      const bg = toCss(entry.bg_truecolor || entry.bg);
      const segment: LogSegment = { text: content };
      const color = reverse ? (bg ?? "#0f172a") : fg;
      const background = reverse ? (fg ?? "#e2e8f0") : bg;
      if (color) segment.color = color;
      if (background) segment.background = background;
      if (decorations.includes("bold")) segment.bold = true;
      if (decorations.includes("dim")) segment.dim = true;
      if (decorations.includes("italic")) segment.italic = true;
      if (decorations.includes("underline")) segment.underline = true;
      if (decorations.includes("strikethrough")) segment.strike = true;
      if (decorations.includes("hidden")) continue;
      segments.push(segment);
    }
  }
  if (segmentCache.size >= SEGMENT_CACHE_LIMIT) segmentCache.clear();
  segmentCache.set(text, segments);
  return segments;
}

/** Where `query` occurs (case-insensitive) in `text`, as [start, end) ranges. */
export function findMatches(text: string, query: string): Array<[number, number]> {
  if (!query) return [];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  const ranges: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const index = haystack.indexOf(needle, from);
    if (index === -1) return ranges;
    ranges.push([index, index + needle.length]);
    from = index + needle.length;
  }
}

/** Splits segments at the matches of `query` so that the matched text can be marked. */
export function markMatches(segments: readonly LogSegment[], query: string): LogSegment[] {
  if (!query) return segments as LogSegment[];
  const text = segments.map((segment) => segment.text).join("");
  const ranges = findMatches(text, query);
  if (ranges.length === 0) return segments as LogSegment[];
  const result: LogSegment[] = [];
  let offset = 0;
  let r = 0;
  for (const segment of segments) {
    const start = offset;
    const end = offset + segment.text.length;
    let cursor = start;
    while (cursor < end) {
      while (r < ranges.length && ranges[r]![1] <= cursor) r++;
      const range = ranges[r];
      if (!range || range[0] >= end) {
        result.push({ ...segment, text: segment.text.slice(cursor - start) });
        cursor = end;
      } else if (range[0] > cursor) {
        result.push({ ...segment, text: segment.text.slice(cursor - start, range[0] - start) });
        cursor = range[0];
      } else {
        const stop = Math.min(range[1], end);
        result.push({ ...segment, text: segment.text.slice(cursor - start, stop - start), match: true });
        cursor = stop;
      }
    }
    offset = end;
  }
  return result;
}
