import { describe, expect, it } from "vitest";
import { formatElapsed, formatRelative } from "./format-time";

describe("formatRelative", () => {
  it("says how long ago in the largest sensible unit", () => {
    const now = 1_000_000_000;
    expect(formatRelative(now - 5_000, now)).toBe("5s ago");
    expect(formatRelative(now - 5 * 60_000, now)).toBe("5m ago");
    expect(formatRelative(now - 3 * 3_600_000, now)).toBe("3h ago");
    expect(formatRelative(now - 72 * 3_600_000, now)).toBe("3d ago");
    expect(formatRelative(null, now)).toBe("—");
  });
});

describe("formatElapsed", () => {
  it("measures to the end, or to now while running", () => {
    expect(formatElapsed(0, 1500, 99_999)).toBe("1.5s");
    expect(formatElapsed(0, null, 90_000)).toBe("1m30s");
    expect(formatElapsed(null, null)).toBe("—");
  });
});
