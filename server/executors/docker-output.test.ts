import { describe, expect, it } from "vitest";
import { OutputDemuxer } from "./docker-output";
import type { OutputStream } from "./executor";

function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect() {
  const out: Array<[OutputStream, string]> = [];
  const sink = (stream: OutputStream, chunk: Buffer) => {
    const last = out[out.length - 1];
    if (last && last[0] === stream) last[1] += chunk.toString();
    else out.push([stream, chunk.toString()]);
  };
  return { out, sink };
}

describe("OutputDemuxer", () => {
  it("splits frames into stdout and stderr in order", () => {
    const { out, sink } = collect();
    const demuxer = new OutputDemuxer(sink);
    demuxer.push(Buffer.concat([frame(1, "one\n"), frame(2, "oops\n"), frame(1, "two\n")]));
    expect(out).toEqual([
      ["stdout", "one\n"],
      ["stderr", "oops\n"],
      ["stdout", "two\n"],
    ]);
    expect(demuxer.bytes).toBe(13);
  });

  it("handles headers and payloads cut anywhere across chunks", () => {
    const all = Buffer.concat([frame(1, "hello "), frame(2, "warn\n"), frame(1, "world\n")]);
    for (let size = 1; size <= all.length; size++) {
      const { out, sink } = collect();
      const demuxer = new OutputDemuxer(sink);
      for (let i = 0; i < all.length; i += size) demuxer.push(all.subarray(i, i + size));
      expect(out).toEqual([
        ["stdout", "hello "],
        ["stderr", "warn\n"],
        ["stdout", "world\n"],
      ]);
    }
  });

  it("skips the bytes a previous follower already delivered", () => {
    const { out, sink } = collect();
    const demuxer = new OutputDemuxer(sink, 8);
    demuxer.push(Buffer.concat([frame(1, "started\n"), frame(2, "e\n"), frame(1, "done\n")]));
    expect(out).toEqual([
      ["stderr", "e\n"],
      ["stdout", "done\n"],
    ]);
  });

  it("skips into the middle of a frame", () => {
    const { out, sink } = collect();
    const demuxer = new OutputDemuxer(sink, 3);
    demuxer.push(frame(1, "abcdef"));
    expect(out).toEqual([["stdout", "def"]]);
  });
});
