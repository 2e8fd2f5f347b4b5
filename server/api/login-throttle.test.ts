import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle";

describe("LoginThrottle", () => {
  it("refuses after the limit within the window and lets the oldest failure slide out", () => {
    const throttle = new LoginThrottle(3, 60_000);
    const keys = ["ip:1.2.3.4", "user:ann"];
    for (let t = 0; t < 3; t++) {
      expect(throttle.retryAfterMs(keys, 1_000 * t)).toBe(0);
      throttle.recordFailure(keys, 1_000 * t);
    }
    expect(throttle.retryAfterMs(keys, 10_000)).toBe(50_000);
    expect(throttle.retryAfterMs(["ip:1.2.3.4"], 59_999)).toBe(1);
    expect(throttle.retryAfterMs(keys, 60_000)).toBe(0);
  });

  it("counts each key on its own: another address is not throttled", () => {
    const throttle = new LoginThrottle(2, 60_000);
    throttle.recordFailure(["ip:a", "user:ann"], 0);
    throttle.recordFailure(["ip:a", "user:bob"], 0);
    expect(throttle.retryAfterMs(["ip:a", "user:cid"], 1)).toBeGreaterThan(0);
    expect(throttle.retryAfterMs(["ip:b", "user:cid"], 1)).toBe(0);
    expect(throttle.retryAfterMs(["ip:b", "user:ann"], 1)).toBe(0);
  });

  it("keeps at most maxKeys keys", () => {
    const throttle = new LoginThrottle(2, 60_000, 100);
    for (let i = 0; i < 1_000; i++) throttle.recordFailure([`ip:${i}`], 0);
    expect((throttle as unknown as { failures: Map<string, number[]> }).failures.size).toBe(100);
  });
});
