import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineSummary } from "../../shared/api/pipeline-views";
import type { DeliveryView } from "../../shared/api/repositories";
import { waitFor } from "../fixtures/engine-harness";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { runCli } from "../fixtures/run-cli";
import { commitAll, git, makeRepo, writeFiles } from "../fixtures/temp-git-repo";
import { PIPELINE_OK, bareRepo, finished, pipelines } from "../fixtures/webhook-deliveries";

/**
 * `baton hook install` and the hooks it writes, with real git and the real server, and no
 * GitHub anywhere: a push to a bare repository on this machine launches its [push] section.
 */

const cleanup: string[] = [];
let server: InProcessServer;
const CFG = "[push]\ncommand = echo branch={branch} user={user} >&2; cat pipeline.json\n\n[create-branch]\ncommand = cat pipeline.json\n\n[delete-branch]\ncommand = cat pipeline.json\n";

beforeAll(async () => {
  server = await startInProcess({ BATON_PUBLIC_URL: "http://baton.local:8700" });
});

afterAll(async () => {
  await server.close();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * git run asynchronously (the server answering the hook lives in this process, so a
 * synchronous git would wait on itself), with its stderr kept: hook output arrives there.
 */
function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.com", USER: "pat" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(stderr) : reject(new Error(`git ${args.join(" ")} failed: ${stderr}`))));
  });
}

async function install(repoPath: string, ...extra: string[]) {
  return runCli(["hook", "install", repoPath, "--server", server.url, ...extra], { cwd: path.dirname(repoPath), env: { BATON_TOKEN: server.token } });
}

async function pipelineFor(sha: string, event: string, timeoutMs: number): Promise<PipelineSummary> {
  return waitFor(async () => (await pipelines(server)).find((p) => p.sha === sha && p.event === event), timeoutMs, `a ${event} pipeline for ${sha}`);
}

describe("acceptance 6: a local git hook", () => {
  it("installs a post-receive hook in a bare repository, and `git push` launches [push] within 2 s", async () => {
    const repo = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, cleanup);
    const installed = await install(repo.bare);
    expect(installed.stderr).toMatch(/installed .*post-receive \(bare repository: every push\).*a token for this repository alone/);
    expect(installed.status).toBe(0);
    const hook = path.join(repo.bare, "hooks", "post-receive");
    expect(fs.statSync(hook).mode & 0o777).toBe(0o700);
    const script = fs.readFileSync(hook, "utf8");
    expect(script).toMatch(/BATON_HOOK_TOKEN='bhk_/);
    expect(script).not.toContain(server.token);

    writeFiles(repo.work, { "change.txt": "pushed\n" });
    const sha = commitAll(repo.work, "a change");
    const started = Date.now();
    const output = await gitAsync(repo.work, "push", "origin", "main");
    const pipeline = await pipelineFor(sha, "push", 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(pipeline).toMatchObject({ branch: "main", section: "push", repo: "origin", trigger: "local-git:main by pat" });
    expect(output).toMatch(new RegExp(`remote: baton: refs/heads/main: launched \\[push\\] http://baton\\.local:8700/pipelines/${pipeline.id}`));
    const done = await finished(server, pipeline.id);
    expect(done.state).toBe("done");
    expect(done.variables).toMatchObject({ branch: "main", sha, user: "pat", env_id: "main" });

    const deliveries = await server.api<{ deliveries: DeliveryView[] }>("GET", "/api/deliveries?limit=5");
    expect(deliveries.body.deliveries.find((d) => d.pipelines.some((p) => p.id === pipeline.id))).toMatchObject({ source: "local-git", result: "launched" });
  });

  it("reports a pushed new branch as create-branch and push, and a deleted one as delete-branch", async () => {
    const repo = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, cleanup);
    expect((await install(repo.bare)).status).toBe(0);
    git(repo.work, "checkout", "--quiet", "-b", "topic");
    writeFiles(repo.work, { "topic.txt": "topic\n" });
    const sha = commitAll(repo.work, "topic");
    await gitAsync(repo.work, "push", "origin", "topic");
    const created = await pipelineFor(sha, "create-branch", 5_000);
    const pushed = await pipelineFor(sha, "push", 5_000);
    expect([created.branch, pushed.branch]).toEqual(["topic", "topic"]);
    await gitAsync(repo.work, "push", "origin", ":topic");
    const main = git(repo.bare, "rev-parse", "main");
    const deleted = await waitFor(async () => (await pipelines(server)).find((p) => p.event === "delete-branch" && p.branch === "topic" && p.sha === main), 5_000, "delete-branch");
    expect(deleted.section).toBe("delete-branch");
  });

  it("installs a post-commit hook in a work tree that launches [push] for each commit, with the cfg of the default branch", async () => {
    const work = makeRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, { prefix: "baton-hook-work-" });
    cleanup.push(work);
    const installed = await install(work);
    expect(installed.status).toBe(0);
    expect(fs.existsSync(path.join(work, ".git", "hooks", "post-commit"))).toBe(true);
    git(work, "checkout", "--quiet", "-b", "feature");
    writeFiles(work, { ".conducto.cfg": "[push]\ncommand = echo this cfg is not on main; exit 1\n", "f.txt": "feature\n" });
    await gitAsync(work, "add", "--all");
    const started = Date.now();
    await gitAsync(work, "commit", "--quiet", "-m", "feature work");
    const sha = git(work, "rev-parse", "HEAD");
    const pipeline = await pipelineFor(sha, "push", 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(pipeline.branch).toBe("feature");
    expect((await finished(server, pipeline.id)).state).toBe("done");
  });

  it("accepts a hook token for its own repository only, and nothing without a token", async () => {
    const repo = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, cleanup);
    const other = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, cleanup);
    const issued = await server.api<{ token: string }>("POST", "/api/hooks/local-git/tokens", { repo: repo.bare });
    expect(issued.status).toBe(201);
    const head = git(repo.bare, "rev-parse", "main");
    const notify = (token: string | null, repoPath: string) =>
      server.api<{ error?: { code: string } }>("POST", "/api/hooks/local-git", { repo: repoPath, ref: "refs/heads/main", before: head, after: head }, token ? { authorization: `Bearer ${token}` } : {});
    expect((await notify(null, repo.bare)).status).toBe(401);
    expect((await notify(issued.body.token, other.bare)).status).toBe(401);
    expect((await notify("bhk_forged", repo.bare)).status).toBe(401);
    const minted = await server.api("POST", "/api/hooks/local-git/tokens", { repo: repo.bare }, { authorization: `Bearer ${issued.body.token}` });
    expect(minted.status).toBe(401);
    const ok = await notify(issued.body.token, repo.bare);
    expect([200, 202]).toContain(ok.status);
    const notRepo = await notify(server.token, "/definitely/not/here");
    expect(notRepo.status).toBe(400);
  });

  it("leaves a hook that is not Baton's alone unless --force, and uninstalls its own", async () => {
    const repo = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, cleanup);
    const hook = path.join(repo.bare, "hooks", "post-receive");
    fs.writeFileSync(hook, "#!/bin/sh\necho mine\n", { mode: 0o755 });
    const refused = await install(repo.bare);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/exists and is not Baton's; pass --force/);
    expect((await install(repo.bare, "--force")).status).toBe(0);
    expect(fs.readFileSync(`${hook}.pre-baton`, "utf8")).toContain("echo mine");
    const removed = await runCli(["hook", "uninstall", repo.bare], { cwd: repo.work });
    expect(removed.status).toBe(0);
    expect(fs.readFileSync(hook, "utf8")).toContain("echo mine");
  });
});
