import { describe, expect, it } from "vitest";
import * as cfg from "./index";
import { runSh } from "./sh-for-tests";

const FILE = `[pr]
command = printf '%s\\n' pr {branch} {env_id}

[push production]
filter = {branch} == main
command = printf '%s\\n' deploy {sha}
duplicate = SLEEP_OLD

[push docs]
filter = {branch} == 'docs/**'
command =
    set -e
    printf '%s\\n' "docs for {branch}"
`;

describe("the cfg module's public API", () => {
  it("turns a pull request with a hostile branch name into a command that prints it as data", () => {
    const parsed = cfg.parseCfg(FILE);
    const vars = cfg.buildVariables({ event: "pr", branch: "x;touch /tmp/p $(id)", pr: 12, sha: "abc" });
    expect(cfg.hasSectionFor(parsed, "pr")).toBe(true);
    const [section] = cfg.selectSections(parsed, "pr", vars);
    const command = cfg.substituteCommand(section?.command ?? "", vars);
    expect(runSh(command).stdout).toBe("pr\nx;touch /tmp/p $(id)\npr-12\n");
    expect(cfg.toBatonEnv(vars)).toMatchObject({ BATON_EVENT: "pr", BATON_PR: "12", BATON_ENV_ID: "pr-12" });
  });

  it("launches every labelled push section whose filter holds, and tells nothing-to-do from no-section", () => {
    const parsed = cfg.parseCfg(FILE);
    const docs = cfg.buildVariables({ event: "push", branch: "docs/api/v2" });
    const launched = cfg.selectSections(parsed, "push", docs);
    expect(launched.map((section) => section.name)).toEqual(["push docs"]);
    expect(runSh(cfg.substituteCommand(launched[0]?.command ?? "", docs)).stdout).toBe("docs for docs/api/v2\n");

    const feature = cfg.buildVariables({ event: "push", branch: "feature" });
    expect(cfg.selectSections(parsed, "push", feature)).toEqual([]);
    expect(cfg.hasSectionFor(parsed, "push")).toBe(true);
    expect(cfg.hasSectionFor(parsed, "delete-tag")).toBe(false);
  });

  it("exports the schemas, the known variables and the error class", () => {
    expect(cfg.CfgEvent.options).toContain("pr-close");
    expect(cfg.DuplicatePolicy.options).toEqual(["SUPPRESS_NEW", "ALLOW", "SLEEP_OLD", "DEFER"]);
    expect(cfg.KNOWN_VARIABLES).toContain("env_id");
    expect(() => cfg.parseCfg("[nope]\n")).toThrow(cfg.CfgError);
  });
});
