import ELK from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import { exec, largeTree, makeDetail, parallel, serial } from "../../../lib/pipeline/pipeline-fixtures";
import { buildGraph } from "./build-graph";
import { LEAF_HEIGHT, LEAF_WIDTH, layoutGraph } from "./graph-layout";
import type { GraphLayout } from "./graph-layout";

const elk = new ELK();

function box(layout: GraphLayout, path: string) {
  const found = layout.get(path);
  if (!found) throw new Error(`no box for ${path}`);
  return found;
}

describe("layoutGraph", () => {
  it("puts a Serial's children left to right and a Parallel's one above the other, in tree order", async () => {
    const root = makeDetail(serial("root", [exec("a"), parallel("p", [exec("x"), exec("y"), exec("z")]), exec("b")])).root;
    const layout = await layoutGraph(buildGraph(root, new Set()), elk);
    const [a, p, b] = [box(layout, "/a"), box(layout, "/p"), box(layout, "/b")];
    expect(a.x).toBeLessThan(p.x);
    expect(p.x + p.width).toBeLessThanOrEqual(b.x);
    const [x, y, z] = [box(layout, "/p/x"), box(layout, "/p/y"), box(layout, "/p/z")];
    expect(x.x).toBe(y.x);
    expect(x.y + LEAF_HEIGHT).toBeLessThanOrEqual(y.y);
    expect(y.y + LEAF_HEIGHT).toBeLessThanOrEqual(z.y);
    expect(x).toMatchObject({ width: LEAF_WIDTH, height: LEAF_HEIGHT });
  });

  it("sizes each group around its children, with positions relative to the group", async () => {
    const root = makeDetail(serial("root", [parallel("p", [exec("x"), exec("y")])])).root;
    const layout = await layoutGraph(buildGraph(root, new Set()), elk);
    const p = box(layout, "/p");
    const y = box(layout, "/p/y");
    expect(y.x).toBeGreaterThanOrEqual(0);
    expect(y.y + y.height).toBeLessThanOrEqual(p.height);
    expect(y.x + y.width).toBeLessThanOrEqual(p.width);
  });

  it("lays out a 2,000-node tree", async () => {
    const spec = buildGraph(makeDetail(largeTree(10, 50)).root, new Set());
    expect(spec.nodes.length).toBeGreaterThan(2000);
    const layout = await layoutGraph(spec, elk);
    expect(layout.size).toBe(spec.nodes.length);
  });
});

describe("layoutGraph with very many children", () => {
  it("wraps a large Parallel into rows that keep tree order", async () => {
    const root = makeDetail(serial("root", [parallel("fan", Array.from({ length: 100 }, (_, i) => exec(`t${i}`)))])).root;
    const layout = await layoutGraph(buildGraph(root, new Set()), elk);
    const fan = box(layout, "/fan");
    expect(fan.width).toBeGreaterThan(LEAF_WIDTH * 3);
    expect(fan.height).toBeLessThan(100 * LEAF_HEIGHT);
    const first = box(layout, "/fan/t0");
    const second = box(layout, "/fan/t1");
    expect(second.y).toBe(first.y);
    expect(second.x).toBeGreaterThan(first.x);
  });
});
