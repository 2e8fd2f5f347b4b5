import { describe, expect, it } from "vitest";
import { AhoCorasick } from "./aho-corasick";

function matches(automaton: AhoCorasick, text: string): [number, number][] {
  const found: [number, number][] = [];
  automaton.scan(Buffer.from(text), 0, (end, length) => found.push([end, length]));
  return found;
}

/** The longest pattern ending at each position, by brute force. */
function expected(patterns: string[], text: string): [number, number][] {
  const found: [number, number][] = [];
  for (let end = 0; end < text.length; end++) {
    const longest = Math.max(0, ...patterns.filter((p) => text.slice(0, end + 1).endsWith(p)).map((p) => p.length));
    if (longest > 0) found.push([end, longest]);
  }
  return found;
}

describe("AhoCorasick", () => {
  it("reports the longest pattern ending at each position, with dense and with sparse transitions alike", () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const word = (n: number) => Array.from({ length: n }, () => "abcd"[rand(4)]).join("");
    for (let round = 0; round < 300; round++) {
      const patterns = Array.from({ length: 1 + rand(6) }, () => word(1 + rand(5)));
      const text = word(60);
      const want = expected(patterns, text);
      expect(matches(new AhoCorasick(patterns.map((p) => Buffer.from(p))), text)).toEqual(want);
      expect(matches(new AhoCorasick(patterns.map((p) => Buffer.from(p)), 0), text)).toEqual(want);
    }
  });

  it("continues a scan from the state a previous piece ended in", () => {
    const automaton = new AhoCorasick([Buffer.from("abcdef")]);
    const state = automaton.scan(Buffer.from("xxabc"), 0, () => undefined);
    expect(automaton.depthOf(state)).toBe(3);
    const found: number[] = [];
    automaton.scan(Buffer.from("defyy"), state, (end, length) => found.push(end, length));
    expect(found).toEqual([2, 6]);
  });
});
