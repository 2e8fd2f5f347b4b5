import { describe, expect, it } from "vitest";
import { ansiToSegments, findMatches, markMatches, stripAnsi } from "./ansi-line";

describe("ansiToSegments", () => {
  it("keeps plain text as one unstyled segment", () => {
    expect(ansiToSegments("hello <b>world</b> & co")).toEqual([{ text: "hello <b>world</b> & co" }]);
  });

  it("turns SGR colours and decorations into styled segments", () => {
    const segments = ansiToSegments("ok \u001b[31mFAIL\u001b[0m \u001b[1;32mpass\u001b[0m");
    expect(segments.map((s) => s.text)).toEqual(["ok ", "FAIL", " ", "pass"]);
    expect(segments[1]!.color).toBe("#f87171");
    expect(segments[3]).toMatchObject({ color: "#4ade80", bold: true });
  });

  it("supports 256 colours and true colour", () => {
    expect(ansiToSegments("\u001b[38;5;208mx\u001b[0m")[0]!.color).toBe("rgb(255, 135, 0)");
    expect(ansiToSegments("\u001b[38;2;10;20;30mx\u001b[0m")[0]!.color).toBe("rgb(10, 20, 30)");
  });

  it("keeps what a carriage return drew last", () => {
    expect(ansiToSegments("progress 10%\rprogress 100%").map((s) => s.text).join("")).toBe("progress 100%");
  });
});

describe("stripAnsi", () => {
  it("removes colour, cursor and title sequences", () => {
    expect(stripAnsi("\u001b[1;31merror\u001b[0m: \u001b[2Kbad\u001b]0;title\u0007!")).toBe("error: bad!");
  });
});

describe("findMatches and markMatches", () => {
  it("finds every case-insensitive occurrence", () => {
    expect(findMatches("Error error ERROR", "error")).toEqual([
      [0, 5],
      [6, 11],
      [12, 17],
    ]);
    expect(findMatches("abc", "")).toEqual([]);
  });

  it("marks a match that spans two styled segments without losing their styles", () => {
    const marked = markMatches([{ text: "foo ba", color: "red" }, { text: "r baz" }], "bar");
    expect(marked).toEqual([
      { text: "foo ", color: "red" },
      { text: "ba", color: "red", match: true },
      { text: "r", match: true },
      { text: " baz" },
    ]);
  });

  it("returns the segments unchanged when nothing matches", () => {
    const segments = [{ text: "abc" }];
    expect(markMatches(segments, "zzz")).toBe(segments);
  });
});
