import { describe, expect, it } from "vitest";
import { parseCfg } from "./cfg-parser";
import { hasSectionFor, selectSections } from "./select-sections";

const CFG = parseCfg(`[push]
command = echo plain push

[push production]
filter = {branch} == main
command = echo deploy

[push docs]
filter = {branch} == 'docs/**'
command = echo docs

[push lint]
command = echo lint

[pr preview]
filter = {base_branch} == main
command = echo preview

[create-tag release]
filter = {tag} == v*
command = echo release
`);

const names = (requested: string, vars: Record<string, string>): string[] =>
  selectSections(CFG, requested, vars).map((section) => section.name);

describe("selectSections", () => {
  it("runs only the exact section when one is named like the request", () => {
    expect(names("push", { branch: "main" })).toEqual(["push"]);
  });

  it("runs an exactly named labelled section when its filter holds", () => {
    expect(names("push production", { branch: "main" })).toEqual(["push production"]);
  });

  it("runs nothing when the exactly named section's filter does not hold", () => {
    expect(names("push production", { branch: "feature" })).toEqual([]);
  });

  it("runs every labelled section of a bare event whose filter holds", () => {
    expect(names("pr", { base_branch: "main" })).toEqual(["pr preview"]);
    expect(names("pr", { base_branch: "dev" })).toEqual([]);
    expect(names("create-tag", { tag: "v1.2" })).toEqual(["create-tag release"]);
  });

  it("counts a labelled section without a filter as always holding", () => {
    const cfg = parseCfg("[push a]\ncommand = a\n[push b]\nfilter = {branch} == x\ncommand = b\n[push c]\ncommand = c\n");
    expect(selectSections(cfg, "push", { branch: "main" }).map((s) => s.name)).toEqual(["push a", "push c"]);
  });

  it("keeps the order of the file", () => {
    const cfg = parseCfg("[push z]\ncommand = z\n[push a]\ncommand = a\n");
    expect(selectSections(cfg, "push", {}).map((s) => s.name)).toEqual(["push z", "push a"]);
  });

  it("runs nothing for a labelled request that names no section", () => {
    expect(names("push staging", { branch: "main" })).toEqual([]);
  });

  it("runs nothing for an event that has no section or is not an event", () => {
    expect(names("delete-tag", {})).toEqual([]);
    expect(names("deploy", {})).toEqual([]);
  });

  it("ignores extra whitespace in the request", () => {
    expect(names("  push   production ", { branch: "main" })).toEqual(["push production"]);
  });

  it("evaluates filters with absent variables as empty", () => {
    expect(names("create-tag", {})).toEqual([]);
  });
});

describe("hasSectionFor", () => {
  it("is true for an event with any section, whatever the filters say", () => {
    expect(hasSectionFor(CFG, "push")).toBe(true);
    expect(hasSectionFor(CFG, "pr")).toBe(true);
    expect(hasSectionFor(CFG, "create-tag")).toBe(true);
  });

  it("is true for an exact section name", () => {
    expect(hasSectionFor(CFG, "push production")).toBe(true);
  });

  it("is false for an event without sections, an unknown label or an unknown event", () => {
    expect(hasSectionFor(CFG, "delete-branch")).toBe(false);
    expect(hasSectionFor(CFG, "push staging")).toBe(false);
    expect(hasSectionFor(CFG, "deploy")).toBe(false);
    expect(hasSectionFor({ sections: [] }, "push")).toBe(false);
  });
});
