import { describe, expect, it } from "vitest";
import { isKnownVariable, isVariableName, KNOWN_VARIABLES, readVariableReference } from "./known-variables";

describe("known variables", () => {
  it("lists the twelve variables of DESIGN §2", () => {
    expect([...KNOWN_VARIABLES].sort()).toEqual(
      ["action", "base_branch", "branch", "env_id", "event", "owner", "pr", "repo", "sha", "tag", "url", "user"],
    );
    expect(isKnownVariable("branch")).toBe(true);
    expect(isKnownVariable("HOME")).toBe(false);
  });

  it("accepts identifiers as variable names and nothing else", () => {
    for (const name of ["a", "_x", "base_branch", "A1"]) expect(isVariableName(name)).toBe(true);
    for (const name of ["", "1a", "a-b", "a b", "é", "a."]) expect(isVariableName(name)).toBe(false);
  });

  it("reads a {name} reference and reports where it ends", () => {
    expect(readVariableReference("x {branch} y", 2)).toEqual({ name: "branch", end: 10 });
    expect(readVariableReference("{ branch}", 0)).toBeNull();
    expect(readVariableReference("{branch", 0)).toBeNull();
    expect(readVariableReference("{}", 0)).toBeNull();
    expect(readVariableReference("{print $1}", 0)).toBeNull();
    expect(readVariableReference("branch}", 0)).toBeNull();
  });
});
