import { describe, expect, it } from "vitest";
import type { NodeDeltaBatch } from "../../../shared/api/socket-events";
import { BatchBuffer } from "./batch-buffer";

const batch = (seq: number, pipelineId = "p1"): NodeDeltaBatch => ({ pipelineId, fromSeq: seq - 1, seq, changes: [], structureChanged: false });

describe("BatchBuffer", () => {
  it("gives back the batches after a seq in order, per pipeline", () => {
    const buffer = new BatchBuffer();
    [3, 1, 2, 5].forEach((seq) => buffer.add(batch(seq)));
    buffer.add(batch(9, "p2"));
    expect(buffer.since("p1", 2).map((b) => b.seq)).toEqual([3, 5]);
    expect(buffer.since("p1", 0).map((b) => b.seq)).toEqual([3, 5]);
    expect(buffer.since("p2", 0).map((b) => b.seq)).toEqual([9]);
  });

  it("keeps at most its limit of batches", () => {
    const buffer = new BatchBuffer(3);
    for (let seq = 1; seq <= 10; seq++) buffer.add(batch(seq));
    expect(buffer.since("p1", 0).map((b) => b.seq)).toEqual([8, 9, 10]);
  });
});
