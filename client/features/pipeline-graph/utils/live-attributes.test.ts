import { describe, expect, it } from "vitest";
import type { GraphNodeSpec } from "./build-graph";
import { edgeAttributes, frameDotAttributes, nodeAttributes } from "./live-attributes";

const spec: GraphNodeSpec = { id: "/build/unit", parentId: "/build", kind: "leaf", type: "exec", label: "unit", depth: 2, descendants: 0 };

describe("live attributes", () => {
  it("give a node's state, skip flag and selection, and a tooltip that says them", () => {
    expect(nodeAttributes(spec, { live: { state: "worker_error", skipped: true, attempts: 1 }, selected: true })).toEqual({
      "data-state": "worker_error",
      "data-skipped": "true",
      "data-selected": "true",
      title: "/build/unit — worker error (skipped)",
    });
    expect(nodeAttributes(spec, { live: { state: "done", skipped: false, attempts: 1 }, selected: false })).toMatchObject({ "data-skipped": "false", "data-selected": "false", title: "/build/unit — done" });
  });

  it("animate an edge exactly while the node it leads into runs", () => {
    expect(edgeAttributes({ live: { state: "running", skipped: false, attempts: 1 }, selected: false })).toEqual({ "data-animated": "true" });
    for (const state of ["pending", "queued", "done", "error", "killed", "worker_error"] as const) {
      expect(edgeAttributes({ live: { state, skipped: false, attempts: 1 }, selected: false })).toEqual({ "data-animated": "false" });
    }
  });

  it("give a frame's dot its own copy of the state", () => {
    expect(frameDotAttributes({ live: { state: "queued", skipped: false, attempts: 0 }, selected: true })).toEqual({ "data-frame-state": "queued" });
  });
});
