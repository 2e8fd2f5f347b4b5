import { describe, expect, it } from "vitest";
import { envIsolationRows, previewEnvId } from "./env-isolation";

describe("envIsolationRows", () => {
  it("gives pull requests and their close the same pr-<number>, a hand launch the person, other events the branch or tag", () => {
    const rows = Object.fromEntries(envIsolationRows("Release/2.x").map((row) => [row.event, row.example]));
    expect(rows.pr).toBe("pr-42");
    expect(rows["pr-close"]).toBe(rows.pr);
    expect(rows.hand).toBe("alice");
    expect(rows.push).toBe("release-2-x");
    expect(rows.cron).toBe("release-2-x");
    expect(rows["create-tag"]).toBe("v1-2-0");
  });
});

describe("previewEnvId", () => {
  it("makes a DNS label, and says nothing where the server would add a hash", () => {
    expect(previewEnvId("--Feature//Login--")).toBe("feature-login");
    expect(previewEnvId("ÅÅ")).toBeNull();
    expect(previewEnvId("x".repeat(64))).toBeNull();
    expect(previewEnvId("x".repeat(63))).toBe("x".repeat(63));
  });
});
