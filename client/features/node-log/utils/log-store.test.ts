import { describe, expect, it } from "vitest";
import type { LogLine } from "../../../../shared/api/pipeline-views";
import { LogStore } from "./log-store";

const line = (n: number, text = `line ${n}`): LogLine => ({ n, ts: n, stream: "stdout", text });
const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => line(from + i));

describe("LogStore", () => {
  it("stores a line once however often it arrives", () => {
    const store = new LogStore(10);
    expect(store.addLines([line(0), line(1)])).toBe(true);
    expect(store.addLines([line(1), line(0, "changed")])).toBe(false);
    expect(store.line(0)?.text).toBe("line 0");
    expect(store.total).toBe(2);
  });

  it("merges pages and live lines and grows the total with either", () => {
    const store = new LogStore(10);
    store.applyPage({ from: 0, lines: lines(0, 10), total: 25, complete: false });
    expect(store.total).toBe(25);
    store.addLines([line(30)]);
    expect(store.total).toBe(31);
    expect(store.hasRange(0, 10)).toBe(true);
    expect(store.hasRange(0, 11)).toBe(false);
  });

  it("asks for the pages that hold missing visible lines, once", () => {
    const store = new LogStore(10);
    store.applyPage({ from: 0, lines: lines(0, 10), total: 35, complete: false });
    expect(store.pagesToFetch(5, 25, 0)).toEqual([1, 2]);
    store.markLoading(1);
    expect(store.pagesToFetch(5, 25, 0)).toEqual([2]);
    store.applyPage({ from: 10, lines: lines(10, 10), total: 35, complete: false });
    store.markLoading(2);
    expect(store.pagesToFetch(0, 40, 0)).toEqual([3]);
  });

  it("does not refetch a page fetched moments ago, but does later", () => {
    const store = new LogStore(10);
    store.applyPage({ from: 0, lines: lines(0, 5), total: 5, complete: false });
    store.addLines([line(8)]);
    const now = Date.now();
    expect(store.pagesToFetch(0, 10, now)).toEqual([]);
    expect(store.pagesToFetch(0, 10, now + 5000)).toEqual([0]);
  });

  it("strips escape sequences for search and notifies subscribers of changes", () => {
    const store = new LogStore(10);
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    store.addLines([line(0, "\u001b[31mred\u001b[0m text")]);
    expect(store.plainText(0)).toBe("red text");
    store.setComplete(true);
    unsubscribe();
    store.addLines([line(1)]);
    expect(calls).toBe(2);
    expect(store.complete).toBe(true);
  });
});
