import { memo } from "react";
import type { CSSProperties } from "react";
import type { LogLine } from "../../../../shared/api/pipeline-views";
import { ansiToSegments, markMatches } from "../utils/ansi-line";
import type { LogSegment } from "../utils/ansi-line";

function segmentStyle(segment: LogSegment): CSSProperties | undefined {
  if (!segment.color && !segment.background && !segment.bold && !segment.dim && !segment.italic && !segment.underline && !segment.strike) {
    return undefined;
  }
  const decorations = [segment.underline && "underline", segment.strike && "line-through"].filter(Boolean).join(" ");
  return {
    color: segment.color,
    backgroundColor: segment.background,
    fontWeight: segment.bold ? 600 : undefined,
    opacity: segment.dim ? 0.7 : undefined,
    fontStyle: segment.italic ? "italic" : undefined,
    textDecoration: decorations || undefined,
  };
}

export interface LogLineRowProps {
  n: number;
  line: LogLine | undefined;
  top: number;
  query: string;
  current: boolean;
}

/** One log line at a fixed height; its ANSI colours become styled spans (text is escaped by React). */
export const LogLineRow = memo(function LogLineRow({ n, line, top, query, current }: LogLineRowProps) {
  const segments = line ? markMatches(ansiToSegments(line.text), query) : [];
  return (
    <div
      data-testid="log-line"
      data-n={n}
      data-loaded={String(line !== undefined)}
      data-stream={line?.stream}
      data-current-match={current ? "true" : undefined}
      className={`baton-log-line absolute left-0 flex min-w-full ${current ? "bg-amber-400/20" : "hover:bg-white/5"}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <span className="sticky left-0 w-14 shrink-0 select-none bg-slate-900 pr-3 text-right text-slate-500" aria-hidden="true">
        {n + 1}
      </span>
      {line === undefined ? (
        <span className="text-slate-600">…</span>
      ) : (
        <span className={line.stream === "stderr" ? "text-rose-200" : line.stream === "system" ? "italic text-sky-300" : undefined}>
          {segments.map((segment, i) =>
            segment.match ? (
              <mark key={i} data-testid="log-match" className={`rounded-sm ${current ? "bg-amber-300 text-slate-900" : "bg-amber-200/70 text-slate-900"}`}>
                {segment.text}
              </mark>
            ) : (
              <span key={i} style={segmentStyle(segment)}>
                {segment.text}
              </span>
            ),
          )}
        </span>
      )}
    </div>
  );
});
