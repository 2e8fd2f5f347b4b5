import { describe, expect, it } from "vitest";
import { exec, makeDetail, parallel, serial } from "../../../lib/pipeline/pipeline-fixtures";
import { buildGraph } from "./build-graph";
import { FRAME_BORDER, HANDLE_Y, absoluteBox, clusterLinkPath, clusterPaths, toFlowElements } from "./flow-elements";
import type { GraphLayout } from "./graph-layout";

const root = makeDetail(serial("root", [exec("a"), parallel("p", [exec("x"), exec("y")]), serial("s", [exec("m"), exec("n")]), exec("b")])).root;
const spec = buildGraph(root, new Set());
const layout: GraphLayout = new Map(spec.nodes.map((node, i) => [node.id, { x: i * 10, y: i, width: 100, height: 40 }]));

describe("clusterPaths", () => {
  it("finds the expanded groups whose children are all cards", () => {
    expect([...clusterPaths(spec)].sort()).toEqual(["/p", "/s"]);
    expect([...clusterPaths(buildGraph(root, new Set(["/p", "/s"])))]).toEqual(["/"]);
  });
});

describe("toFlowElements", () => {
  const { nodes, edges } = toFlowElements(spec, layout);

  it("makes one React Flow node per card or group outside clusters, parents first", () => {
    expect(nodes.map((n) => [n.id, n.type])).toEqual([
      ["/", "pipelineGroup"],
      ["/a", "pipelineNode"],
      ["/p", "pipelineCluster"],
      ["/s", "pipelineCluster"],
      ["/b", "pipelineNode"],
    ]);
    expect(nodes.find((n) => n.id === "/p")).toMatchObject({ parentId: "/", width: 100, height: 40, measured: { width: 100, height: 40 } });
  });

  it("puts a cluster's children and links inside it, in coordinates within its frame", () => {
    const s = nodes.find((n) => n.id === "/s")!;
    const m = layout.get("/s/m")!;
    const n = layout.get("/s/n")!;
    expect(s.data.members!.map((member) => member.spec.id)).toEqual(["/s/m", "/s/n"]);
    expect(s.data.members![0]!.box).toEqual({ x: m.x - FRAME_BORDER, y: m.y - FRAME_BORDER, width: 100, height: 40 });
    expect(s.data.links).toEqual([
      { id: "/s/m->/s/n", source: "/s/m", target: "/s/n", x1: m.x + 100 - FRAME_BORDER, y1: m.y + HANDLE_Y - FRAME_BORDER, x2: n.x - FRAME_BORDER, y2: n.y + HANDLE_Y - FRAME_BORDER },
    ]);
  });

  it("keeps the links between React Flow nodes as custom edges", () => {
    expect(edges.map((e) => [e.source, e.target, e.type, e.data?.target])).toEqual([
      ["/a", "/p", "pipelineEdge", "/p"],
      ["/p", "/s", "pipelineEdge", "/s"],
      ["/s", "/b", "pipelineEdge", "/b"],
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

describe("clusterLinkPath", () => {
  it("draws a straight line along a row and steps down to the next row of a wrapped Serial", () => {
    expect(clusterLinkPath({ x1: 100, y1: 20, x2: 136, y2: 20 })).toBe("M100,20 H136");
    expect(clusterLinkPath({ x1: 900, y1: 20, x2: 10, y2: 90 })).toBe(`M900,20 h8 V${90 - HANDLE_Y - 15} H2 V90 H10`);
  });
});
