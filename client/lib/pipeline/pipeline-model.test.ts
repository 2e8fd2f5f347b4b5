import { describe, expect, it } from "vitest";
import type { NodeDeltaBatch } from "../../../shared/api/socket-events";
import { exec, makeDetail, parallel, serial } from "./pipeline-fixtures";
import {
  ancestorsOf,
  applyNodeBatch,
  countLeafStates,
  createPipelineModel,
  hasFailedLeaves,
  isFailedLeaf,
  replayBatches,
  rootState,
} from "./pipeline-model";

const tree = serial("root", [exec("build", "done"), parallel("tests", [exec("unit", "running"), exec("lint", "error")], "running"), exec("deploy")], "running");

function batch(seq: number, changes: NodeDeltaBatch["changes"], structureChanged = false, fromSeq = seq - 1): NodeDeltaBatch {
  return { pipelineId: "p1", fromSeq, seq, changes, structureChanged };
}

describe("createPipelineModel", () => {
  it("indexes every node by path in tree order with its parent and depth", () => {
    const model = createPipelineModel(makeDetail(tree, 5));
    expect(model.order).toEqual(["/", "/build", "/tests", "/tests/unit", "/tests/lint", "/deploy"]);
    expect(model.nodes.get("/tests/unit")).toMatchObject({ parent: "/tests", depth: 2, leaf: true, order: 3 });
    expect(model.nodes.get("/tests")?.leaf).toBe(false);
    expect(model.seq).toBe(5);
    expect(model.live.get("/tests/lint")).toEqual({ state: "error", skipped: false, attempts: 1 });
  });

  it("reuses the previous structure object when a refetch returns the same tree with other states", () => {
    const first = createPipelineModel(makeDetail(tree, 1));
    const again = createPipelineModel(makeDetail(serial("root", [exec("build", "error"), parallel("tests", [exec("unit"), exec("lint")]), exec("deploy")]), 9), first);
    expect(again.structure).toBe(first.structure);
    expect(again.live.get("/build")?.state).toBe("error");
  });

  it("gives a new structure when a node is added", () => {
    const first = createPipelineModel(makeDetail(tree, 1));
    const grown = createPipelineModel(makeDetail(serial("root", [exec("build"), exec("more")]), 2), first);
    expect(grown.structure).not.toBe(first.structure);
  });
});

describe("applyNodeBatch", () => {
  const model = createPipelineModel(makeDetail(tree, 10));

  it("replaces only the changed nodes' live entries", () => {
    const { model: next, needsRefetch } = applyNodeBatch(model, batch(11, [{ path: "/tests/unit", state: "done", skipped: false, attempts: 1 }]));
    expect(needsRefetch).toBe(false);
    expect(next.seq).toBe(11);
    expect(next.live.get("/tests/unit")?.state).toBe("done");
    expect(next.live.get("/build")).toBe(model.live.get("/build"));
    expect(model.live.get("/tests/unit")?.state).toBe("running");
  });

  it("ignores a batch it has already applied", () => {
    const { model: next, needsRefetch } = applyNodeBatch(model, batch(10, [{ path: "/build", state: "error", skipped: false, attempts: 2 }]));
    expect(next).toBe(model);
    expect(needsRefetch).toBe(false);
  });

  it("keeps the same live map when a batch changes nothing", () => {
    const { model: next } = applyNodeBatch(model, batch(11, [{ path: "/build", state: "done", skipped: false, attempts: 1 }]));
    expect(next.live).toBe(model.live);
    expect(next.seq).toBe(11);
  });

  it("accepts a batch that spans several seqs from the model's own", () => {
    const changes = [
      { path: "/tests/unit", state: "done" as const, skipped: false, attempts: 1 },
      { path: "/tests", state: "error" as const, skipped: false, attempts: 0 },
    ];
    expect(applyNodeBatch(model, batch(14, changes, false, 10)).needsRefetch).toBe(false);
    expect(applyNodeBatch(model, batch(14, changes, false, 8)).needsRefetch).toBe(false);
  });

  it("applies a batch after a gap but asks for a refetch", () => {
    const { model: next, needsRefetch } = applyNodeBatch(model, batch(15, [{ path: "/deploy", state: "queued", skipped: false, attempts: 0 }], false, 12));
    expect(needsRefetch).toBe(true);
    expect(next.live.get("/deploy")?.state).toBe("queued");
  });

  it("asks for a refetch when the structure changed or a path is unknown", () => {
    expect(applyNodeBatch(model, batch(11, [], true)).needsRefetch).toBe(true);
    const unknown = applyNodeBatch(model, batch(11, [{ path: "/nope", state: "done", skipped: false, attempts: 1 }]));
    expect(unknown.needsRefetch).toBe(true);
    expect(unknown.model.live.has("/nope")).toBe(false);
  });

  it("ignores batches of another pipeline", () => {
    expect(applyNodeBatch(model, { ...batch(11, []), pipelineId: "other" }).model).toBe(model);
  });
});

describe("replayBatches", () => {
  it("applies the batches newer than the fetched seq in order", () => {
    const model = createPipelineModel(makeDetail(tree, 10));
    const replayed = replayBatches(model, [
      batch(12, [{ path: "/deploy", state: "running", skipped: false, attempts: 1 }]),
      batch(9, [{ path: "/deploy", state: "killed", skipped: false, attempts: 1 }]),
      batch(11, [{ path: "/deploy", state: "queued", skipped: false, attempts: 0 }]),
    ]);
    expect(replayed.seq).toBe(12);
    expect(replayed.live.get("/deploy")?.state).toBe("running");
  });
});

describe("derived values", () => {
  const model = createPipelineModel(makeDetail(tree));

  it("counts the leaves per live state and skipped apart", () => {
    const next = applyNodeBatch(model, batch(1, [{ path: "/deploy", state: "pending", skipped: true, attempts: 0 }])).model;
    const counts = countLeafStates(next);
    expect(counts).toMatchObject({ done: 1, running: 1, error: 1, pending: 0, skipped: 1 });
  });

  it("knows the failed leaves, the root state and the ancestors of a path", () => {
    expect(isFailedLeaf(model, "/tests/lint")).toBe(true);
    expect(isFailedLeaf(model, "/tests")).toBe(false);
    expect(hasFailedLeaves(model)).toBe(true);
    expect(rootState(model)).toBe("running");
    expect(ancestorsOf(model, "/tests/lint")).toEqual(["/", "/tests"]);
  });

  it("does not count a skipped failed leaf as an error", () => {
    const next = applyNodeBatch(model, batch(1, [{ path: "/tests/lint", state: "error", skipped: true, attempts: 1 }])).model;
    expect(isFailedLeaf(next, "/tests/lint")).toBe(false);
    expect(hasFailedLeaves(next)).toBe(false);
  });
});
