import { createRequire } from "node:module";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { mapGithubEvent, repositoryNameOf } from "./github-events";

const require = createRequire(import.meta.url);
const definitions = JSON.parse(fs.readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8")) as { name: string; examples: Record<string, unknown>[] }[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const example = (name: string, match: (p: any) => boolean = () => true): any => structuredClone(definitions.find((d) => d.name === name)!.examples.find(match)!);

describe("mapGithubEvent, on GitHub's published examples", () => {
  it("maps a branch push to push on `after`", () => {
    const push = example("push", (p) => p.ref === "refs/heads/master");
    const plan = mapGithubEvent("push", push);
    expect(plan).toMatchObject({ kind: "launch", events: [{ event: "push", commit: { kind: "sha", sha: push.after, ref: "refs/heads/master" }, variables: { branch: "master" } }] });
    expect(repositoryNameOf(push)).toBe("Codertocat/Hello-World");
  });

  it("leaves tag pushes to create and deleted refs to delete", () => {
    expect(mapGithubEvent("push", example("push", (p) => p.ref.startsWith("refs/tags/")))).toMatchObject({ kind: "ignore", reason: expect.stringMatching(/is a tag/) });
    expect(mapGithubEvent("push", { ...example("push"), deleted: true })).toMatchObject({ kind: "ignore", reason: expect.stringMatching(/was deleted/) });
  });

  it("maps create and delete of tags and branches", () => {
    expect(mapGithubEvent("create", example("create"))).toMatchObject({ kind: "launch", events: [{ event: "create-tag", commit: { kind: "ref", ref: "refs/tags/simple-tag" }, variables: { tag: "simple-tag" } }] });
    expect(mapGithubEvent("delete", { ...example("delete"), ref_type: "branch", ref: "x" })).toMatchObject({
      kind: "launch",
      events: [{ event: "delete-branch", commit: { kind: "default-branch" }, variables: { branch: "x" }, reportStatus: false }],
    });
    expect(mapGithubEvent("create", { ...example("create"), ref_type: "repository" })).toMatchObject({ kind: "ignore" });
  });

  it("maps pull requests: opened, reopened, synchronize → pr; closed → pr-close; the rest → nothing", () => {
    for (const action of ["opened", "reopened", "synchronize"]) {
      const pr = example("pull_request", (p) => p.action === action);
      expect(mapGithubEvent("pull_request", pr)).toMatchObject({
        kind: "launch",
        events: [{ event: "pr", commit: { kind: "sha", sha: pr.pull_request.head.sha }, variables: { pr: String(pr.number), branch: pr.pull_request.head.ref, base_branch: pr.pull_request.base.ref, fork: "false" } }],
      });
    }
    expect(mapGithubEvent("pull_request", example("pull_request", (p) => p.action === "closed"))).toMatchObject({ kind: "launch", events: [{ event: "pr-close", fallBackToDefaultBranch: true }] });
    expect(mapGithubEvent("pull_request", example("pull_request", (p) => p.action === "labeled"))).toMatchObject({ kind: "ignore" });
  });

  it("marks a pull request from a fork or a deleted head repository", () => {
    const fork = example("pull_request", (p) => p.action === "opened");
    fork.pull_request.head.repo.full_name = "someone/Hello-World";
    const plan = mapGithubEvent("pull_request", fork);
    expect(plan).toMatchObject({ kind: "launch", events: [{ variables: { fork: "true" }, trigger: expect.stringMatching(/from fork someone\/Hello-World/) }] });
    const gone = example("pull_request", (p) => p.action === "opened");
    gone.pull_request.head.repo = null;
    expect(mapGithubEvent("pull_request", gone)).toMatchObject({ kind: "launch", events: [{ variables: { fork: "true" } }] });
  });

  it("answers ping and ignores events it does not run", () => {
    expect(mapGithubEvent("ping", example("ping"))).toMatchObject({ kind: "ping", zen: expect.any(String) });
    expect(mapGithubEvent("issues", {})).toMatchObject({ kind: "ignore", reason: expect.stringMatching(/issues event launches nothing/) });
    expect(mapGithubEvent("push", { nope: true })).toMatchObject({ kind: "ignore", reason: expect.stringMatching(/lacks what Baton reads/) });
  });
});
