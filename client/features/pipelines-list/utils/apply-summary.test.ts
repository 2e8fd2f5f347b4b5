import { describe, expect, it } from "vitest";
import type { PipelineSummary } from "../../../../shared/api/pipeline-views";
import { NODE_STATES } from "../../../../shared/pipeline/node-state";
import { applySummaryToList, filtersFromSearch } from "./apply-summary";

const summary = (id: string, createdAt: number, extra: Partial<PipelineSummary> = {}): PipelineSummary => ({
  id,
  repo: "acme/app",
  branch: "main",
  sha: null,
  event: "push",
  section: "push",
  trigger: "webhook",
  state: "running",
  createdAt,
  startedAt: createdAt,
  endedAt: null,
  executor: "local",
  counts: { pending: 0, queued: 0, running: 0, done: 0, error: 0, killed: 0, worker_error: 0 },
  secrets: "none",
  ...extra,
});

describe("applySummaryToList", () => {
  const list = [summary("c", 30), summary("b", 20), summary("a", 10)];

  it("replaces a listed pipeline in place", () => {
    const next = applySummaryToList(list, summary("b", 20, { state: "done" }), {}, 100);
    expect(next.map((p) => [p.id, p.state])).toEqual([
      ["c", "running"],
      ["b", "done"],
      ["a", "running"],
    ]);
  });

  it("adds a new pipeline in creation order (newest first) and keeps the limit", () => {
    expect(applySummaryToList(list, summary("d", 40), {}, 100).map((p) => p.id)).toEqual(["d", "c", "b", "a"]);
    expect(applySummaryToList(list, summary("m", 15), {}, 100).map((p) => p.id)).toEqual(["c", "b", "m", "a"]);
    expect(applySummaryToList(list, summary("d", 40), {}, 3).map((p) => p.id)).toEqual(["d", "c", "b"]);
  });

  it("drops a pipeline that leaves the filter and ignores one that does not match", () => {
    expect(applySummaryToList(list, summary("b", 20, { state: "done" }), { state: "running" }, 100).map((p) => p.id)).toEqual(["c", "a"]);
    expect(applySummaryToList(list, summary("x", 50, { branch: "dev" }), { branch: "main" }, 100)).toBe(list);
  });

  it("is harmless to apply twice", () => {
    const once = applySummaryToList(list, summary("d", 40), {}, 100);
    expect(applySummaryToList(once, summary("d", 40), {}, 100)).toEqual(once);
  });
});

describe("filtersFromSearch", () => {
  it("reads repo, branch and a known state", () => {
    expect(filtersFromSearch(new URLSearchParams("repo=acme/app&branch=&state=error"), NODE_STATES)).toEqual({ repo: "acme/app", state: "error" });
    expect(filtersFromSearch(new URLSearchParams("state=bogus"), NODE_STATES)).toEqual({});
  });
});
