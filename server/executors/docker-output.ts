import type { OutputSink } from "./executor";

/**
 * Splits the Engine API's multiplexed stream (attach, logs and exec of a container without a TTY:
 * frames of an 8-byte header — stream type, three zero bytes, big-endian payload length — then the
 * payload) into stdout and stderr, passing each piece to the sink as it arrives. Only a partial
 * header is ever held, never a whole frame: a gigabyte of output costs no memory here.
 *
 * `skipBytes` drops the first bytes of payload (stdout and stderr together, in stream order):
 * what a restarted server already stored of the attempt.
 */
export class OutputDemuxer {
  private header = Buffer.alloc(8);
  private headerLength = 0;
  private remaining = 0;
  private stream: "stdout" | "stderr" = "stdout";
  private skip: number;
  /** Payload bytes seen so far, skipped ones included. */
  bytes = 0;

  constructor(
    private readonly sink: OutputSink,
    skipBytes = 0,
  ) {
    this.skip = Math.max(0, skipBytes);
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerLength, chunk.length - offset);
        chunk.copy(this.header, this.headerLength, offset, offset + take);
        this.headerLength += take;
        offset += take;
        if (this.headerLength < 8) return;
        this.headerLength = 0;
        this.stream = this.header[0] === 2 ? "stderr" : "stdout";
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      let piece = chunk.subarray(offset, offset + take);
      offset += take;
      this.remaining -= take;
      this.bytes += take;
      if (this.skip > 0) {
        const dropped = Math.min(this.skip, piece.length);
        this.skip -= dropped;
        piece = piece.subarray(dropped);
      }
      // A copy: the sink may keep the buffer, and the chunk's memory is the socket's.
      if (piece.length > 0) this.sink(this.stream, Buffer.from(piece));
    }
  }
}
