import { describe, expect, it } from "vitest";
import { exec, makeDetail, parallel, serial } from "../../../lib/pipeline/pipeline-fixtures";
import { buildGraph, containerPaths } from "./build-graph";

const root = makeDetail(
  serial("root", [exec("build"), parallel("tests", [exec("unit"), exec("lint"), serial("e2e", [exec("up"), exec("run")])]), exec("deploy")]),
).root;

describe("buildGraph", () => {
  it("makes one node per tree node, parents before children, in tree order", () => {
    const graph = buildGraph(root, new Set());
    expect(graph.nodes.map((n) => n.id)).toEqual(["/", "/build", "/tests", "/tests/unit", "/tests/lint", "/tests/e2e", "/tests/e2e/up", "/tests/e2e/run", "/deploy"]);
    expect(graph.nodes.find((n) => n.id === "/tests")).toMatchObject({ kind: "group", type: "parallel", parentId: "/", depth: 1, descendants: 5 });
    expect(graph.nodes.find((n) => n.id === "/tests/unit")).toMatchObject({ kind: "leaf", parentId: "/tests" });
  });

  it("chains a Serial's children with edges and leaves a Parallel's unconnected", () => {
    const graph = buildGraph(root, new Set());
    expect(graph.edges.map((e) => `${e.source}->${e.target}`)).toEqual(["/tests/e2e/up->/tests/e2e/run", "/build->/tests", "/tests->/deploy"]);
    expect(graph.edges.every((e) => graph.nodes.find((n) => n.id === e.source)?.parentId === e.parentId)).toBe(true);
  });

  it("hides a collapsed subtree but keeps the edges around it", () => {
    const graph = buildGraph(root, new Set(["/tests"]));
    expect(graph.nodes.map((n) => n.id)).toEqual(["/", "/build", "/tests", "/deploy"]);
    expect(graph.nodes.find((n) => n.id === "/tests")?.kind).toBe("collapsed");
    expect(graph.edges.map((e) => e.id)).toEqual(["/build->/tests", "/tests->/deploy"]);
  });

  it("is a pure function: the same input gives an equal graph", () => {
    expect(buildGraph(root, new Set(["/tests/e2e"]))).toEqual(buildGraph(root, new Set(["/tests/e2e"])));
  });

  it("lists the containers that can be collapsed", () => {
    expect(containerPaths(root)).toEqual(["/", "/tests", "/tests/e2e"]);
  });
});
