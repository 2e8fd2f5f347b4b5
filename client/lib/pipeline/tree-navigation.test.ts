import { describe, expect, it } from "vitest";
import { nextMatching, stepSelection } from "./tree-navigation";

const order = ["/", "/a", "/a/x", "/b"];

describe("stepSelection", () => {
  it("moves to the next and previous path in tree order, wrapping around", () => {
    expect(stepSelection(order, "/a", 1)).toBe("/a/x");
    expect(stepSelection(order, "/a", -1)).toBe("/");
    expect(stepSelection(order, "/b", 1)).toBe("/");
    expect(stepSelection(order, "/", -1)).toBe("/b");
  });

  it("starts at the first or last path when nothing (or a hidden path) is selected", () => {
    expect(stepSelection(order, null, 1)).toBe("/");
    expect(stepSelection(order, null, -1)).toBe("/b");
    expect(stepSelection(order, "/hidden", 1)).toBe("/");
    expect(stepSelection([], null, 1)).toBeNull();
  });
});

describe("nextMatching", () => {
  const failed = new Set(["/a/x", "/b"]);
  const isFailed = (path: string) => failed.has(path);

  it("finds the next match after the current path and wraps around", () => {
    expect(nextMatching(order, null, isFailed)).toBe("/a/x");
    expect(nextMatching(order, "/a/x", isFailed)).toBe("/b");
    expect(nextMatching(order, "/b", isFailed)).toBe("/a/x");
  });

  it("returns the current path when it is the only match and null when nothing matches", () => {
    expect(nextMatching(order, "/b", (p) => p === "/b")).toBe("/b");
    expect(nextMatching(order, "/", () => false)).toBeNull();
  });
});
