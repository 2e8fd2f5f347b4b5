import type { LogStore } from "./log-store";

export interface LogSearch {
  store: LogStore;
  query: string;
  /** The line to start at (inclusive). */
  from: number;
  direction: 1 | -1;
  /** Fetches lines [from, from + limit) into the store. */
  load: (from: number, limit: number) => Promise<void>;
  signal?: AbortSignal;
  /** Lines to test between yields to the event loop, so that a big log never blocks the page. */
  sliceSize?: number;
}

export const SEARCH_CHUNK = 5000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The number of the first line from `from` (wrapping around once) whose text contains `query`
 * (case-insensitive), fetching the lines it has not seen yet in big chunks; null when none does.
 */
export async function searchLog({ store, query, from, direction, load, signal, sliceSize = 2000 }: LogSearch): Promise<number | null> {
  const needle = query.toLowerCase();
  const total = store.total;
  if (!needle || total === 0) return null;
  const start = ((from % total) + total) % total;
  for (let k = 0; k < total; k++) {
    if (signal?.aborted) return null;
    if (k > 0 && k % sliceSize === 0) await yieldToEventLoop();
    const n = (start + direction * k + total) % total;
    if (store.line(n) === undefined) {
      const chunkStart = direction === 1 ? n : Math.max(0, n - SEARCH_CHUNK + 1);
      await load(chunkStart, Math.min(SEARCH_CHUNK, total - chunkStart));
      if (signal?.aborted) return null;
    }
    const text = store.plainText(n);
    if (text !== undefined && text.toLowerCase().includes(needle)) return n;
  }
  return null;
}
