import { describe, expect, it } from "vitest";
import { CfgError } from "./cfg-error";
import { KNOWN_VARIABLES } from "./known-variables";
import { buildVariables, MAX_ENV_ID_LENGTH, sanitiseEnvId, toBatonEnv } from "./launch-variables";

describe("buildVariables", () => {
  it("fills every known variable, absent ones as the empty string", () => {
    const vars = buildVariables({ event: "push", branch: "main", sha: "abc123" });
    expect(Object.keys(vars).sort()).toEqual([...KNOWN_VARIABLES].sort());
    expect(vars).toMatchObject({ event: "push", branch: "main", sha: "abc123", tag: "", pr: "", user: "" });
  });

  it("uses pr-<n> as env_id for pr and pr-close events", () => {
    expect(buildVariables({ event: "pr", branch: "feature", pr: 42 }).env_id).toBe("pr-42");
    expect(buildVariables({ event: "pr-close", branch: "feature", pr: "7", handLaunch: true, user: "ann" }).env_id).toBe("pr-7");
  });

  it("rejects a pr event without a pull request number", () => {
    expect(() => buildVariables({ event: "pr", branch: "feature" })).toThrow(/needs the pull request number/);
  });

  it("rejects a pull request number that is not a number, and drops leading zeros", () => {
    expect(() => buildVariables({ event: "pr", pr: "7; rm" })).toThrow(CfgError);
    expect(buildVariables({ event: "pr", pr: "007" })).toMatchObject({ pr: "7", env_id: "pr-7" });
  });

  it("uses the user's name as env_id for a hand launch", () => {
    expect(buildVariables({ event: "push", branch: "main", user: "Ann.Lee", handLaunch: true }).env_id).toBe("ann-lee");
  });

  it("uses the branch as env_id for a webhook launch, even with a user", () => {
    expect(buildVariables({ event: "push", branch: "feature/Login", user: "ann" }).env_id).toBe("feature-login");
  });

  it("falls back to the tag, then the event, for env_id", () => {
    expect(buildVariables({ event: "create-tag", tag: "v1.2.0" }).env_id).toBe("v1-2-0");
    expect(buildVariables({ event: "cron" }).env_id).toBe("cron");
    expect(buildVariables({ event: "push", handLaunch: true, branch: "dev" }).env_id).toBe("dev");
  });

  it("takes other variables from extra, turning '-' in names into '_'", () => {
    const vars = buildVariables({ event: "push", extra: { region: "eu", "base-branch": "main", "dry-run-target": "x" } });
    expect(vars).toMatchObject({ region: "eu", base_branch: "main", dry_run_target: "x" });
  });

  it("prefers a named field over the same variable in extra", () => {
    expect(buildVariables({ event: "push", branch: "main", extra: { branch: "other", sha: "s1" } })).toMatchObject({ branch: "main", sha: "s1" });
  });

  it("lets extra set env_id by hand, sanitised", () => {
    expect(buildVariables({ event: "pr", pr: 3, extra: { env_id: "My Env" } }).env_id).toBe("my-env");
  });

  it("always sets event from the input", () => {
    expect(buildVariables({ event: "push", extra: { event: "pr" } }).event).toBe("push");
  });

  it("rejects an unknown event, a bad variable name and a NUL byte", () => {
    expect(() => buildVariables({ event: "deploy" })).toThrow(/unknown event/);
    expect(() => buildVariables({ event: "push", extra: { "a.b": "x" } })).toThrow(/variable name "a.b"/);
    expect(() => buildVariables({ event: "push", branch: "a\0b" })).toThrow(/NUL/);
  });

  it("keeps a variable named like an Object.prototype key as an own value", () => {
    const extra: Record<string, string> = Object.fromEntries([
      ["__proto__", "x"],
      ["constructor", "y"],
    ]);
    const vars = buildVariables({ event: "push", extra });
    expect(Object.hasOwn(vars, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
    expect(vars.constructor).toBe("y");
  });
});

describe("sanitiseEnvId", () => {
  it("lower-cases and turns every other character into a single '-'", () => {
    expect(sanitiseEnvId("Feature/ABC_def..x")).toBe("feature-abc-def-x");
    expect(sanitiseEnvId("--x--")).toBe("x");
    expect(sanitiseEnvId("$(id);rm -rf /")).toBe("id-rm-rf");
  });

  it("gives a value with nothing usable a stable hashed name", () => {
    const id = sanitiseEnvId("日本");
    expect(id).toMatch(/^env-[0-9a-f]{8}$/);
    expect(sanitiseEnvId("日本")).toBe(id);
    expect(sanitiseEnvId("中文")).not.toBe(id);
  });

  it("cuts long names to 63 characters with a hash that keeps them apart", () => {
    const a = sanitiseEnvId(`${"x".repeat(80)}-a`);
    const b = sanitiseEnvId(`${"x".repeat(80)}-b`);
    expect(a.length).toBeLessThanOrEqual(MAX_ENV_ID_LENGTH);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^x+-[0-9a-f]{8}$/);
  });

  it("always produces a DNS label", () => {
    for (const raw of ["", "-", "a", "A".repeat(200), `${"a-".repeat(40)}`, "🚀x🚀", "x".repeat(63)]) {
      const id = sanitiseEnvId(raw);
      expect(id).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
      expect(id.length).toBeLessThanOrEqual(MAX_ENV_ID_LENGTH);
    }
  });
});

describe("toBatonEnv", () => {
  it("maps variables with a value to BATON_* names", () => {
    const env = toBatonEnv(buildVariables({ event: "pr", branch: "feature", sha: "abc", pr: 9, repo: "acme/app", action: "opened", base_branch: "main" }));
    expect(env).toEqual({
      BATON_EVENT: "pr",
      BATON_BRANCH: "feature",
      BATON_SHA: "abc",
      BATON_PR: "9",
      BATON_REPO: "acme/app",
      BATON_ENV_ID: "pr-9",
      BATON_ACTION: "opened",
      BATON_BASE_BRANCH: "main",
    });
  });

  it("includes the tag and the user when set", () => {
    expect(toBatonEnv({ event: "create-tag", tag: "v1", user: "ann" })).toEqual({ BATON_EVENT: "create-tag", BATON_TAG: "v1", BATON_USER: "ann" });
  });

  it("leaves out empty values and variables it does not know", () => {
    expect(toBatonEnv({ event: "push", branch: "", region: "eu" })).toEqual({ BATON_EVENT: "push" });
  });
});
