import { describe, expect, it } from "vitest";
import { describeDeliveryEvent, summariseTestDelivery } from "./delivery-text";

describe("describeDeliveryEvent", () => {
  it("adds the action when there is one", () => {
    expect(describeDeliveryEvent({ event: "pull_request", action: "opened" })).toBe("pull_request · opened");
    expect(describeDeliveryEvent({ event: "push", action: null })).toBe("push");
  });
});

describe("summariseTestDelivery", () => {
  it("reads an accepted delivery as processing in the background", () => {
    expect(summariseTestDelivery({ status: 202, guid: "test-1", answer: { delivery: 7, result: "accepted" } })).toEqual({
      ok: true,
      delivery: 7,
      text: "HTTP 202: accepted, processing in the background",
    });
  });

  it("reads a refusal from its ApiError message", () => {
    const summary = summariseTestDelivery({ status: 401, guid: "test-2", answer: { error: { code: "bad_signature", message: "signature mismatch" }, delivery: 9 } });
    expect(summary).toEqual({ ok: false, delivery: 9, text: "HTTP 401: signature mismatch" });
  });

  it("names the sections launched and the reason given", () => {
    const summary = summariseTestDelivery({
      status: 200,
      guid: "test-3",
      answer: { delivery: 4, result: "launched", pipelines: [{ id: "p1", section: "push", url: "http://x/pipelines/p1" }] },
    });
    expect(summary.text).toBe("HTTP 200: launched [push]");
    expect(summariseTestDelivery({ status: 200, guid: "t", answer: { delivery: 5, result: "ignored", reason: "ping" } }).text).toBe("HTTP 200: ignored (ping)");
  });
});
