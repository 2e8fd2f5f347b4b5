import type { LogLine, LogPage } from "../../../../shared/api/pipeline-views";
import { stripAnsi } from "./ansi-line";

type PageStatus = { state: "loading" } | { state: "loaded"; at: number } | { state: "failed"; at: number };

/**
 * One attempt's log as the viewer knows it: a sparse array of lines by number, filled by pages
 * fetched on demand and by live lines from the socket. A line is stored once whatever the number
 * of times it arrives (its number `n` is the key), so the two sources can overlap freely.
 */
export class LogStore {
  readonly pageSize: number;
  private readonly lines: Array<LogLine | undefined> = [];
  private readonly plain: Array<string | undefined> = [];
  private readonly pages = new Map<number, PageStatus>();
  private listeners = new Set<() => void>();
  private known = 0;
  private finished = false;
  private changes = 0;

  constructor(pageSize = 1000) {
    this.pageSize = pageSize;
  }

  /** Lines in the log so far (the highest known line number + 1, or the server's total). */
  get total(): number {
    return this.known;
  }

  /** The attempt has ended and `total` is final. */
  get complete(): boolean {
    return this.finished;
  }

  /** Bumped on every change; what React re-renders on. */
  get version(): number {
    return this.changes;
  }

  line(n: number): LogLine | undefined {
    return this.lines[n];
  }

  /** The line's text without escape sequences, computed once. */
  plainText(n: number): string | undefined {
    const cached = this.plain[n];
    if (cached !== undefined) return cached;
    const line = this.lines[n];
    if (!line) return undefined;
    const text = stripAnsi(line.text);
    this.plain[n] = text;
    return text;
  }

  /** Stores lines, ignoring ones already held; returns whether anything changed. */
  addLines(lines: readonly LogLine[]): boolean {
    let changed = false;
    for (const line of lines) {
      if (this.lines[line.n] !== undefined) continue;
      this.lines[line.n] = line;
      if (line.n + 1 > this.known) this.known = line.n + 1;
      changed = true;
    }
    if (changed) this.emit();
    return changed;
  }

  applyPage(page: Pick<LogPage, "from" | "lines" | "total" | "complete">): void {
    let changed = false;
    for (const line of page.lines) {
      if (this.lines[line.n] !== undefined) continue;
      this.lines[line.n] = line;
      changed = true;
    }
    const total = Math.max(this.known, page.total, page.lines.length > 0 ? page.lines[page.lines.length - 1]!.n + 1 : 0);
    if (total !== this.known || page.complete !== this.finished) changed = true;
    this.known = total;
    if (page.complete) this.finished = true;
    const first = Math.floor(page.from / this.pageSize);
    const last = Math.floor((page.from + Math.max(page.lines.length, 1) - 1) / this.pageSize);
    const at = Date.now();
    for (let index = first; index <= last; index++) this.pages.set(index, { state: "loaded", at });
    if (changed) this.emit();
  }

  /** Marks the log as ended (the node finished) so that a later page is trusted as final. */
  setComplete(complete: boolean): void {
    if (this.finished === complete) return;
    this.finished = complete;
    this.emit();
  }

  /** Whether every line in [start, end) is held. */
  hasRange(start: number, end: number): boolean {
    for (let n = start; n < end; n++) if (this.lines[n] === undefined) return false;
    return true;
  }

  /**
   * The pages to fetch so that lines [start, end) are all held: pages with a missing line that are
   * not loading and were not fetched in the last `retryMs` (a page fetched while the log was still
   * growing may legitimately end early; its rest arrives live or on a later fetch).
   */
  pagesToFetch(start: number, end: number, now = Date.now(), retryMs = 1500): number[] {
    const result: number[] = [];
    const stop = Math.min(end, this.known);
    if (start >= stop) return result;
    const first = Math.floor(Math.max(0, start) / this.pageSize);
    const last = Math.floor((stop - 1) / this.pageSize);
    for (let index = first; index <= last; index++) {
      const status = this.pages.get(index);
      if (status?.state === "loading") continue;
      if (status && now - status.at < retryMs) continue;
      const pageStart = index * this.pageSize;
      if (!this.hasRange(Math.max(pageStart, start), Math.min(pageStart + this.pageSize, stop))) result.push(index);
    }
    return result;
  }

  markLoading(index: number): void {
    this.pages.set(index, { state: "loading" });
  }

  markFailed(index: number): void {
    this.pages.set(index, { state: "failed", at: Date.now() });
  }

  /** Forgets when pages were fetched (after a reconnect, lines may have been missed). */
  forgetPages(): void {
    for (const [index, status] of this.pages) if (status.state !== "loading") this.pages.delete(index);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.changes;

  private emit(): void {
    this.changes++;
    for (const listener of this.listeners) listener();
  }
}
