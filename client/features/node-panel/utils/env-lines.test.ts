import { describe, expect, it } from "vitest";
import { envToLines, parseEnvLines, sameEnv } from "./env-lines";

describe("parseEnvLines", () => {
  it("reads KEY=VALUE lines, keeping = and spaces in values and skipping blanks and comments", () => {
    expect(parseEnvLines("A=1\n\n# note\nB = x=y z\nC=")).toEqual({ ok: true, env: { A: "1", B: " x=y z", C: "" } });
  });

  it("reports every bad line by number", () => {
    const result = parseEnvLines("GOOD=1\nnovalue\n1BAD=2");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(2);
      expect(result.errors[0]).toMatch(/^line 2/);
      expect(result.errors[1]).toMatch(/^line 3/);
    }
  });

  it("round-trips an environment through its text", () => {
    const env = { ZED: "last", ALPHA: "a=b" };
    expect(envToLines(env)).toBe("ALPHA=a=b\nZED=last");
    const parsed = parseEnvLines(envToLines(env));
    expect(parsed.ok && sameEnv(parsed.env, env)).toBe(true);
  });
});
