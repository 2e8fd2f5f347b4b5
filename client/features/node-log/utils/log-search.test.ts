import { describe, expect, it } from "vitest";
import type { LogLine } from "../../../../shared/api/pipeline-views";
import { LogStore } from "./log-store";
import { searchLog } from "./log-search";

function serverLog(count: number, text: (n: number) => string) {
  const all: LogLine[] = Array.from({ length: count }, (_, n) => ({ n, ts: n, stream: "stdout", text: text(n) }));
  const requests: Array<[number, number]> = [];
  const load = (store: LogStore) => async (from: number, limit: number) => {
    requests.push([from, limit]);
    store.applyPage({ from, lines: all.slice(from, from + limit), total: count, complete: true });
  };
  return { all, requests, load };
}

describe("searchLog", () => {
  it("finds a line in a part of the log it had not fetched yet, fetching in big chunks", async () => {
    const log = serverLog(12_000, (n) => (n === 9_001 ? "\u001b[31mneedle\u001b[0m here" : `line ${n}`));
    const store = new LogStore(1000);
    store.applyPage({ from: 11_000, lines: log.all.slice(11_000), total: 12_000, complete: true });
    const found = await searchLog({ store, query: "NEEDLE", from: 0, direction: 1, load: log.load(store) });
    expect(found).toBe(9_001);
    expect(log.requests).toEqual([
      [0, 5000],
      [5000, 5000],
    ]);
  });

  it("goes to the next match after the current one and wraps around", async () => {
    const log = serverLog(100, (n) => (n % 40 === 5 ? "match" : "x"));
    const store = new LogStore(10);
    const load = log.load(store);
    expect(await searchLog({ store: withTotal(store, 100), query: "match", from: 6, direction: 1, load })).toBe(45);
    expect(await searchLog({ store, query: "match", from: 86, direction: 1, load })).toBe(5);
    expect(await searchLog({ store, query: "match", from: 44, direction: -1, load })).toBe(5);
  });

  it("returns null when nothing matches or the search is cancelled", async () => {
    const log = serverLog(50, () => "x");
    const store = withTotal(new LogStore(10), 50);
    expect(await searchLog({ store, query: "y", from: 0, direction: 1, load: log.load(store) })).toBeNull();
    const controller = new AbortController();
    controller.abort();
    expect(await searchLog({ store, query: "x", from: 0, direction: 1, load: log.load(store), signal: controller.signal })).toBeNull();
  });
});

function withTotal(store: LogStore, total: number): LogStore {
  store.applyPage({ from: 0, lines: [], total, complete: false });
  return store;
}
