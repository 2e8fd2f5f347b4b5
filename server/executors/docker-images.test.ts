import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { normaliseRepoPath, tarEntry } from "./docker-images";

describe("tarEntry", () => {
  it("makes an entry tar reads back with its name, size and content", () => {
    const content = Buffer.from("FROM busybox\nRUN true\n");
    const archive = Buffer.concat([tarEntry(".baton.Dockerfile", content), Buffer.alloc(1024)]);
    expect(archive.length % 512).toBe(0);
    expect(execFileSync("tar", ["-tvf", "-"], { input: archive, encoding: "utf8" })).toMatch(/ 22 .*\.baton\.Dockerfile\n$/);
    expect(execFileSync("tar", ["-xOf", "-", ".baton.Dockerfile"], { input: archive })).toEqual(content);
  });

  it("refuses a name that does not fit the header", () => {
    expect(() => tarEntry("x".repeat(100), Buffer.alloc(0))).toThrow(/too long/);
  });
});

describe("normaliseRepoPath", () => {
  it("reduces a repository path to a canonical form", () => {
    expect(normaliseRepoPath(".")).toBe(".");
    expect(normaliseRepoPath("./")).toBe(".");
    expect(normaliseRepoPath("./ci//docker/")).toBe("ci/docker");
  });

  it("refuses a path that leaves the repository", () => {
    expect(() => normaliseRepoPath("ci/../../etc")).toThrow(/leaves the repository/);
  });
});
