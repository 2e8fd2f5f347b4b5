import { describe, expect, it } from "vitest";
import type { NodeLive } from "../../../lib/pipeline";
import { LiveStore } from "./live-store";

const entry = (state: NodeLive["state"]): NodeLive => ({ state, skipped: false, attempts: 0 });

describe("LiveStore", () => {
  it("notifies only the paths whose entry changed", () => {
    const store = new LiveStore();
    const a = entry("pending");
    const b = entry("pending");
    store.setLive(new Map([["/a", a], ["/b", b]]));
    const calls: string[] = [];
    store.subscribe("/a", () => calls.push("/a"));
    store.subscribe("/b", () => calls.push("/b"));
    const changed = store.setLive(new Map([["/a", a], ["/b", entry("running")]]));
    expect(changed).toEqual(["/b"]);
    expect(calls).toEqual(["/b"]);
    expect(store.get("/b")?.state).toBe("running");
  });

  it("notifies the old and new selection when it moves, and stops after unsubscribe", () => {
    const store = new LiveStore();
    const calls: string[] = [];
    const off = store.subscribe("/a", () => calls.push("/a"));
    store.subscribe("/b", () => calls.push("/b"));
    store.setSelected("/a");
    store.setSelected("/b");
    off();
    store.setSelected("/a");
    expect(calls).toEqual(["/a", "/a", "/b", "/b"]);
    expect(store.isSelected("/a")).toBe(true);
  });
});

describe("LiveStore.view", () => {
  it("returns the same snapshot until the node's state or selection changes", () => {
    const store = new LiveStore();
    const a = entry("pending");
    store.setLive(new Map([["/a", a]]));
    const first = store.view("/a");
    expect(store.view("/a")).toBe(first);
    store.setSelected("/a");
    const selected = store.view("/a");
    expect(selected).not.toBe(first);
    expect(selected).toEqual({ live: a, selected: true });
    expect(store.view("/missing").live.state).toBe("pending");
  });
});
