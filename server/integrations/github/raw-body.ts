import type { IncomingMessage } from "node:http";

/** The body is larger than the limit; nothing past the limit was kept. */
export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
}

/**
 * Reads a request body as bytes, up to `limit`. A declared Content-Length over the limit fails
 * before anything is read; a body that grows past it fails at that chunk, and the rest of the
 * stream is discarded as it arrives rather than kept.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLarge(`the body (${declared} bytes) is larger than ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) {
        chunks = [];
        reject(error);
      } else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) settle(new BodyTooLarge(`the body is larger than ${limit} bytes`));
      else chunks.push(chunk);
    });
    req.on("end", () => settle(null));
    req.on("error", (error) => settle(error));
    req.on("close", () => settle(new Error("the request was aborted")));
  });
}
