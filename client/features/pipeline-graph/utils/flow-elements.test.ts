import { describe, expect, it } from "vitest";
import { exec, makeDetail, parallel, serial } from "../../../lib/pipeline/pipeline-fixtures";
import { buildGraph } from "./build-graph";
import { absoluteBox, toFlowEdges, toFlowNodes } from "./flow-elements";
import type { GraphLayout } from "./graph-layout";

const root = makeDetail(serial("root", [exec("a"), parallel("p", [exec("x"), exec("y")]), exec("b")])).root;
const spec = buildGraph(root, new Set());
const layout: GraphLayout = new Map(spec.nodes.map((node, i) => [node.id, { x: i * 10, y: i, width: 100, height: 40 }]));

describe("toFlowNodes", () => {
  it("makes group nodes for expanded containers and places children in their parent, parents first", () => {
    const nodes = toFlowNodes(spec, layout);
    expect(nodes.map((n) => n.id)).toEqual(spec.nodes.map((n) => n.id));
    expect(nodes.find((n) => n.id === "/p")).toMatchObject({ type: "pipelineGroup", width: 100, height: 40, position: { x: 20, y: 2 } });
    expect(nodes.find((n) => n.id === "/p/x")).toMatchObject({ type: "pipelineNode", parentId: "/p" });
  });
});

describe("toFlowEdges", () => {
  it("makes one custom edge per Serial link, knowing its target for the live state", () => {
    expect(toFlowEdges(spec).map((e) => [e.source, e.target, e.type, e.data?.target])).toEqual([
      ["/a", "/p", "pipelineEdge", "/p"],
      ["/p", "/b", "pipelineEdge", "/b"],
    ]);
  });
});

describe("absoluteBox", () => {
  it("adds up the offsets of the parents", () => {
    const p = layout.get("/p")!;
    const own = layout.get("/p/x")!;
    const rootBox = layout.get("/")!;
    expect(absoluteBox(spec, layout, "/p/x")).toEqual({ x: own.x + p.x + rootBox.x, y: own.y + p.y + rootBox.y, width: 100, height: 40 });
    expect(absoluteBox(spec, layout, "/nope")).toBeNull();
  });
});
