import crypto from "node:crypto";

/** `X-Hub-Signature-256` for `body`: `sha256=` and the hex HMAC-SHA256 with the webhook secret. */
export function signBody(secret: string | Buffer, body: string | Buffer): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Checks GitHub's signature header against the body, comparing the digests in constant time. */
export function verifySignature(secret: string | Buffer, body: Buffer, header: string | undefined): SignatureCheck {
  if (!header) return { ok: false, reason: "no X-Hub-Signature-256 header: set the webhook's secret in GitHub" };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return { ok: false, reason: "the X-Hub-Signature-256 header is not sha256=<64 hex digits>" };
  const given = Buffer.from(match[1]!, "hex");
  const expected = crypto.createHmac("sha256", secret).update(body).digest();
  if (!crypto.timingSafeEqual(given, expected)) return { ok: false, reason: "the signature does not match the body and this repository's secret" };
  return { ok: true };
}
