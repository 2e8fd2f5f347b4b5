import { describe, expect, it } from "vitest";
import { signBody, verifySignature } from "./webhook-signature";

describe("webhook signatures", () => {
  it("matches GitHub's documented example", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(signBody("It's a Secret to Everybody", "Hello, World!")).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  });

  it("accepts the body's signature and refuses a missing, malformed, foreign or altered one", () => {
    const body = Buffer.from('{"zen":"Keep it logically awesome."}');
    const good = signBody("s3cret", body);
    expect(verifySignature("s3cret", body, good)).toEqual({ ok: true });
    expect(verifySignature("s3cret", body, good.toUpperCase().replace("SHA256=", "sha256="))).toEqual({ ok: true });
    expect(verifySignature("s3cret", body, undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/no X-Hub-Signature-256/) });
    expect(verifySignature("s3cret", body, "sha1=abc")).toMatchObject({ ok: false });
    expect(verifySignature("other", body, good)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(verifySignature("s3cret", Buffer.from(`${body} `), good)).toMatchObject({ ok: false });
  });
});
