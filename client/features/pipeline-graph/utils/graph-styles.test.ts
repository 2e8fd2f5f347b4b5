import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { GraphNodeSpec } from "./build-graph";
import { edgeAttributes, frameDotAttributes, nodeAttributes } from "./live-attributes";
import type { NodeDisplay } from "./live-store";

/** Attributes a state change rewrites in place: whatever live-attributes.ts writes. */
const LIVE_ATTRIBUTES = (() => {
  const display: NodeDisplay = { live: { state: "running", skipped: false, attempts: 1 }, selected: false };
  const spec: GraphNodeSpec = { id: "/a", parentId: undefined, kind: "leaf", type: "exec", label: "a", depth: 1, descendants: 0 };
  return [...new Set([nodeAttributes(spec, display), edgeAttributes(display), frameDotAttributes(display)].flatMap(Object.keys))];
})();

/** The selectors of a style sheet's top-level rules (at-rules and their blocks skipped). */
function selectorsOf(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const selectors: string[] = [];
  let depth = 0;
  let prelude = "";
  for (const char of text) {
    if (char === "{") {
      if (depth === 0 && !prelude.trim().startsWith("@")) selectors.push(...splitTopLevel(prelude, ","));
      depth++;
      prelude = "";
    } else if (char === "}") {
      depth--;
      prelude = "";
    } else if (char === ";" && depth === 0) {
      prelude = "";
    } else if (depth === 0) {
      prelude += char;
    }
  }
  return selectors.map((selector) => selector.trim()).filter(Boolean);
}

/** Splits at `separator` outside brackets and parentheses. */
function splitTopLevel(text: string, separator: string | RegExp): string[] {
  const parts: string[] = [];
  let nesting = 0;
  let current = "";
  for (const char of text) {
    if (char === "(" || char === "[") nesting++;
    if (char === ")" || char === "]") nesting--;
    const splits = nesting === 0 && (typeof separator === "string" ? char === separator : separator.test(char));
    if (splits) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** The compounds of a selector: `.a[x] > .b .c` is [".a[x]", ".b", ".c"]. */
function compoundsOf(selector: string): string[] {
  return splitTopLevel(selector.replace(/\s*([>+~])\s*/g, " "), /\s/).filter(Boolean);
}

describe("the graph's style sheet", () => {
  const selectors = selectorsOf(fs.readFileSync(new URL("../../../styles.css", import.meta.url), "utf8"));

  it("is read rule by rule, and the live attributes from the functions that write them", () => {
    expect(LIVE_ATTRIBUTES).toEqual(expect.arrayContaining(["data-state", "data-skipped", "data-selected", "data-animated", "data-frame-state"]));
    expect(selectors).toContain('.baton-card[data-state="running"]::after');
    expect(compoundsOf('.baton-frame[data-state="x"] > .baton-frame-header .dot')).toEqual(['.baton-frame[data-state="x"]', ".baton-frame-header", ".dot"]);
  });

  // A live attribute in an earlier compound (`[data-state] .x`) makes every change of it restyle
  // each .x below the changed element: a frame's step restyled the hundred cards inside it.
  it("names a live attribute only in a selector's last compound", () => {
    const reaching = selectors.filter((selector) => compoundsOf(selector).slice(0, -1).some((compound) => LIVE_ATTRIBUTES.some((name) => compound.includes(`[${name}`))));
    expect(reaching).toEqual([]);
  });
});
