import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LaunchError, planCfgLaunch, type CfgLaunchRequest } from "./cfg-launcher";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function emptyRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-cfg-launch-"));
  dirs.push(dir);
  execFileSync("git", ["init", "--quiet", dir]);
  return dir;
}

const sha = "0123456789abcdef0123456789abcdef01234567";

function request(repoDir: string, extra: Partial<CfgLaunchRequest>): CfgLaunchRequest {
  return { repoDir, cfgText: "[push]\ncommand = echo {sha}\n", requested: "push", variables: { branch: "main" }, trigger: "test", handLaunch: false, ...extra };
}

describe("planCfgLaunch", () => {
  it("asks git whether the commit exists when the caller does not know it", async () => {
    await expect(planCfgLaunch(request(emptyRepo(), { sha }))).rejects.toThrow(LaunchError);
  });

  it("takes a sha the caller read as a branch's tip without asking git (one process less per delivery)", async () => {
    // The repository has no such commit: only a plan that skips the lookup gets this far.
    const plan = await planCfgLaunch(request(emptyRepo(), { sha, shaIsBranchTip: true }));
    expect(plan.sha).toBe(sha);
    expect(plan.sections[0]?.command).toBe(`echo '${sha}'`);
  });
});
