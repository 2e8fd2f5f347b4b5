import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { NodeView, PipelineDetail } from "../../shared/api/pipeline-views";
import { runCli } from "../fixtures/run-cli";
import { makeRepo, tempDir } from "../fixtures/temp-git-repo";

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function repoWith(files: Record<string, string>): string {
  const dir = makeRepo(files);
  cleanup.push(dir);
  return dir;
}

function dataEnv(): Record<string, string> {
  const dir = tempDir("baton-cli-data-");
  cleanup.push(dir);
  return { BATON_DATA: dir };
}

function flatten(node: NodeView): NodeView[] {
  return [node, ...node.children.flatMap(flatten)];
}

const PIPELINE_TS = `
import { Serial, Parallel, Exec, main } from "baton";

const failing = process.env.BATON_BRANCH === "broken";
main(
  Serial({}, {
    build: Exec("echo building && mkdir -p out && echo artefact > out/app"),
    tests: Parallel({}, {
      unit: Exec(failing ? "echo 'unit: expected 2, got 3' >&2; exit 1" : "echo unit ok"),
      lint: Exec("echo lint ok"),
    }),
    deploy: Exec("echo deploying", { skip: process.env.BATON_BRANCH !== "main" }),
  }),
);
`;

describe("baton <cfg> <event> runs a pipeline written with the SDK", () => {
  it("runs the tree and exits 0 when every node is done, with the final pipeline as --json", async () => {
    const repo = repoWith({ ".conducto.cfg": "[push]\ncommand = node pipeline.ts\n", "pipeline.ts": PIPELINE_TS });
    const result = await runCli([".conducto.cfg", "push", "--branch=main", "--json"], { cwd: repo, env: dataEnv() });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const detail = JSON.parse(result.stdout) as PipelineDetail;
    expect(detail.root.state).toBe("done");
    const nodes = flatten(detail.root);
    expect(nodes.map((n) => n.path)).toEqual([
      "/",
      "/Generate",
      "/Execute",
      "/Execute/build",
      "/Execute/tests",
      "/Execute/tests/unit",
      "/Execute/tests/lint",
      "/Execute/deploy",
    ]);
    for (const node of nodes) {
      expect(node).toHaveProperty("type");
      expect(node).toHaveProperty("state");
      expect(node).toHaveProperty("skipped");
    }
    expect(nodes.find((n) => n.path === "/Execute/build")!.attempts[0]).toMatchObject({ state: "done", exitCode: 0 });
    expect(nodes.find((n) => n.path === "/Execute/deploy")).toMatchObject({ state: "done", skipped: false });
  });

  it("exits 1 when a node failed, and the failed node's exit code is in --json", async () => {
    const repo = repoWith({ ".conducto.cfg": "[push]\ncommand = node pipeline.ts\n", "pipeline.ts": PIPELINE_TS });
    const result = await runCli([".conducto.cfg", "push", "--branch=broken", "--json"], { cwd: repo, env: dataEnv() });
    expect(result.status).toBe(1);
    const detail = JSON.parse(result.stdout) as PipelineDetail;
    const unit = flatten(detail.root).find((n) => n.path === "/Execute/tests/unit")!;
    expect(unit.state).toBe("error");
    expect(unit.attempts[0]!.exitCode).toBe(1);
    expect(flatten(detail.root).find((n) => n.path === "/Execute/deploy")!.skipped).toBe(true);
  });

  it("prints the generated tree with --dry-run and runs nothing", async () => {
    const probe = tempDir();
    cleanup.push(probe);
    const pipeline = { type: "serial", name: "root", children: [{ type: "exec", name: "touch", command: `touch ${probe}/ran` }] };
    const repo = repoWith({ ".conducto.cfg": "[push]\ncommand = cat pipeline.json\n", "pipeline.json": JSON.stringify(pipeline) });
    const result = await runCli([".conducto.cfg", "push", "--branch=main", "--dry-run"], { cwd: repo, env: dataEnv() });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/touch\s+exec\s+touch /);
    expect(fs.existsSync(path.join(probe, "ran"))).toBe(false);
  });
});

describe("baton exits 2 with a one-line reason on bad input", () => {
  const cases: [string, Record<string, string>, string[], RegExp][] = [
    ["no such cfg file", {}, ["missing.cfg", "push"], /no such file: missing\.cfg/],
    ["no section for the event", { ".conducto.cfg": "[pr]\ncommand = true\n" }, [".conducto.cfg", "push"], /no section for "push"/],
    ["a malformed cfg", { ".conducto.cfg": "[push]\ncommand = true\n[bogus-event]\ncommand = x\n" }, [".conducto.cfg", "push"], /\.conducto\.cfg:3/],
    [
      "a generate step whose output is not a valid pipeline",
      {
        ".conducto.cfg": "[push]\ncommand = cat p.json\n",
        "p.json": JSON.stringify({ type: "serial", name: "r", children: [{ type: "serial", name: "Build", children: [{ type: "exec", name: "unit-tests" }] }] }),
      },
      [".conducto.cfg", "push"],
      /not a valid pipeline: .*\/Build\/unit-tests: command/,
    ],
  ];
  for (const [what, files, args, reason] of cases) {
    it(`for ${what}`, async () => {
      const repo = repoWith({ "README": "x", ...files });
      const result = await runCli(args, { cwd: repo, env: dataEnv() });
      expect(result.status).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(reason);
    });
  }
});

describe("substituted values are data, never code", () => {
  for (const branch of ["x;touch /tmp/pwned-RANDOM", "$(touch /tmp/pwned-RANDOM)", "`touch /tmp/pwned-RANDOM`", "a' ; touch /tmp/pwned-RANDOM ; '"]) {
    it(`passes the branch ${JSON.stringify(branch)} as a literal string`, async () => {
      const marker = `/tmp/pwned-${crypto.randomBytes(6).toString("hex")}`;
      const hostile = branch.replace("/tmp/pwned-RANDOM", marker);
      const probe = tempDir();
      cleanup.push(probe);
      const pipeline = { type: "serial", name: "r", children: [{ type: "exec", name: "show", command: `printf '%s' "$BATON_BRANCH" > ${probe}/node-branch` }] };
      const repo = repoWith({
        ".conducto.cfg": `[push]\ncommand = printf '%s' {branch} > ${probe}/cfg-branch && cat p.json\n`,
        "p.json": JSON.stringify(pipeline),
      });
      const result = await runCli([".conducto.cfg", "push", `--branch=${hostile}`], { cwd: repo, env: dataEnv() });
      expect(result.status).toBe(0);
      expect(fs.readFileSync(path.join(probe, "cfg-branch"), "utf8")).toBe(hostile);
      expect(fs.readFileSync(path.join(probe, "node-branch"), "utf8")).toBe(hostile);
      expect(fs.existsSync(marker)).toBe(false);
    });
  }
});

describe("a command sees a clean environment", () => {
  it("does not see the server's own variables, only PATH, HOME, its env and BATON_*", async () => {
    const probe = tempDir();
    cleanup.push(probe);
    const pipeline = { type: "serial", name: "r", env: { GREETING: "hi" }, children: [{ type: "exec", name: "env", command: `env > ${probe}/env` }] };
    const repo = repoWith({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": JSON.stringify(pipeline) });
    const result = await runCli([".conducto.cfg", "push", "--branch=main"], {
      cwd: repo,
      env: { ...dataEnv(), SERVER_ONLY_SECRET: "s3cr3t-value", AWS_SECRET_ACCESS_KEY: "nope" },
    });
    expect(result.status).toBe(0);
    const env = fs.readFileSync(path.join(probe, "env"), "utf8");
    expect(env).not.toContain("s3cr3t-value");
    expect(env).not.toContain("AWS_SECRET_ACCESS_KEY");
    const names = env.trim().split("\n").map((line) => line.slice(0, line.indexOf("=")));
    for (const name of names) expect(name).toMatch(/^(PATH|HOME|PWD|SHLVL|GREETING|BATON_[A-Z_]+|_)$/);
    expect(names).toContain("GREETING");
    expect(names).toContain("BATON_PIPELINE_ID");
    expect(env).toContain("BATON_NODE=/Execute/env");
  });
});

describe("Baton's own CI is a Baton pipeline", () => {
  it("generates typecheck, lint and unit tests in parallel, then the rest", async () => {
    const { PROJECT_ROOT } = await import("../fixtures/baton-server");
    const result = await runCli([".conducto.cfg", "push", "--branch=main", "--dry-run", "--json"], { cwd: PROJECT_ROOT, env: dataEnv() });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const tree = JSON.parse(result.stdout) as { type: string; children: { name: string; type: string; children?: { name: string }[] }[] };
    expect(tree.type).toBe("serial");
    expect(tree.children.map((c) => c.name)).toEqual(["install", "checks", "build", "integration", "e2e"]);
    const checks = tree.children[1]!;
    expect(checks.type).toBe("parallel");
    expect(checks.children!.map((c) => c.name)).toEqual(["typecheck", "lint", "unit"]);
  });
});
