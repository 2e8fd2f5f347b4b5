import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PipelineSummary } from "../../shared/api/pipeline-views";
import type { DeliveryView, RepositoryWithSecret } from "../../shared/api/repositories";
import { startServer, type BatonServer } from "../fixtures/baton-server";
import { waitFor } from "../fixtures/engine-harness";
import { startGithubApiStub } from "../fixtures/github-api-stub";
import { git, makeRepo, tempDir } from "../fixtures/temp-git-repo";
import { example, repoint, sign } from "../fixtures/webhook-deliveries";

/**
 * Deliveries accepted (202, on disk) but not processed when the server is killed are processed
 * on the next start, exactly once. BATON_TEST_PAUSE stops the real processing path for good at a
 * crash window and says so, so that the test's kill -9 lands inside that window every time.
 */

const NAME = "acme/recovery";
const PIPELINE = JSON.stringify({ type: "serial", name: "r", children: [{ type: "exec", name: "check", command: "true" }] });
const COMMITS = 5;
const cleanup: string[] = [];
let server: BatonServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A bare repository with one distinct commit per branch `b0…`, and the main branch's head. */
function repository(): { bare: string; main: string; commits: { branch: string; sha: string }[] } {
  const work = makeRepo({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": PIPELINE }, { prefix: "baton-recovery-work-" });
  const parent = tempDir("baton-recovery-bare-");
  cleanup.push(work, parent);
  const main = git(work, "rev-parse", "HEAD");
  const tree = git(work, "rev-parse", "HEAD^{tree}");
  const commits = Array.from({ length: COMMITS + 1 }, (_, i) => {
    const sha = git(work, "commit-tree", tree, "-p", main, "-m", `commit ${i}`);
    git(work, "branch", `b${i}`, sha);
    return { branch: `b${i}`, sha };
  });
  const bare = path.join(parent, "origin.git");
  git(parent, "clone", "--quiet", "--bare", work, bare);
  return { bare, main, commits };
}

async function push(s: BatonServer, secret: string, bare: string, commit: { branch: string; sha: string }, guid: string) {
  const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, bare);
  Object.assign(payload, { ref: `refs/heads/${commit.branch}`, after: commit.sha });
  payload.head_commit.id = commit.sha;
  const body = JSON.stringify(payload);
  const response = await fetch(`${s.url}/api/webhooks/github`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": guid, "x-hub-signature-256": sign(secret, body) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { delivery: number; result: string } };
}

const pipelines = async (s: BatonServer) => (await s.api<{ pipelines: PipelineSummary[] }>("GET", "/api/pipelines?limit=500")).body.pipelines;
const deliveries = async (s: BatonServer) => (await s.api<{ deliveries: DeliveryView[] }>("GET", "/api/deliveries?limit=500")).body.deliveries;
const paused = (s: BatonServer, id: number, point: string) => waitFor(() => s.output().includes(`test pause: delivery ${id} at ${point}`), 20_000, `delivery ${id} to pause at ${point}`);

describe("accepted deliveries across kill -9 of the server", () => {
  it("processes every accepted delivery exactly once: killed before its launch, killed between its launch and its record, queued behind them", async () => {
    const { bare, main, commits } = repository();
    const hookCommit = commits.at(-1)!;
    server = await startServer({ env: { BATON_TEST_PAUSE: "delivery-before-launch" } });
    const dataDir = server.dataDir;
    cleanup.push(dataDir);
    const created = await server.api<RepositoryWithSecret>("POST", "/api/repositories", { name: NAME, cloneUrl: bare, defaultBranch: "main" });
    expect(created.status).toBe(201);
    const secret = created.body.webhookSecret;

    // Crash 1: the first delivery is being processed, the others are queued behind it; nothing launched yet.
    const guids = commits.slice(0, COMMITS).map(() => crypto.randomUUID());
    const ids: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const answer = await push(server, secret, bare, commits[i]!, guids[i]!);
      expect(answer.status).toBe(202);
      ids.push(answer.body.delivery);
    }
    // A local hook's notification for the same repository: its own queue, kept for after the crash too.
    const hook = await server.api<{ delivery: number; result: string }>("POST", "/api/hooks/local-git", { repo: bare, ref: `refs/heads/${hookCommit.branch}`, before: main, after: hookCommit.sha });
    expect(hook.status).toBe(202);
    await paused(server, ids[0]!, "delivery-before-launch");
    await paused(server, hook.body.delivery, "delivery-before-launch");
    expect(await pipelines(server)).toEqual([]);
    await server.crash();

    // Crash 2: processed again on start; killed after the pipelines are saved, before the deliveries record them.
    server = await startServer({ dataDir, env: { BATON_TEST_PAUSE: "delivery-before-finish" } });
    await paused(server, ids[0]!, "delivery-before-finish");
    await paused(server, hook.body.delivery, "delivery-before-finish");
    const s2 = server;
    const early = await waitFor(
      async () => {
        const list = await pipelines(s2);
        return list.length === 2 && list.every((p) => p.endedAt !== null) ? list : null;
      },
      30_000,
      "the two launched pipelines to end",
    );
    expect(early.map((p) => p.sha).sort()).toEqual([commits[0]!.sha, hookCommit.sha].sort());
    const unfinished = (await deliveries(server)).filter((d) => d.result === "accepted");
    expect(unfinished.map((d) => d.id).sort((a, b) => a - b)).toEqual([...ids, hook.body.delivery].sort((a, b) => a - b));
    await server.crash();

    // After the last restart: every accepted delivery has exactly one pipeline, and it finished.
    server = await startServer({ dataDir });
    const s3 = server;
    const all = await waitFor(
      async () => {
        const list = await deliveries(s3);
        return list.every((d) => d.result !== "accepted") ? list : null;
      },
      60_000,
      "every delivery to be processed",
    );
    const accepted = all.filter((d) => [...ids, hook.body.delivery].includes(d.id));
    expect(accepted).toHaveLength(COMMITS + 1);
    for (const d of accepted) {
      expect(d.result, `${d.id}: ${d.reason}`).toBe("launched");
      expect(d.pipelines).toHaveLength(1);
    }
    const final = await waitFor(
      async () => {
        const list = await pipelines(s3);
        return list.length >= COMMITS + 1 && list.every((p) => p.endedAt !== null) ? list : null;
      },
      60_000,
      "every pipeline to end",
    );
    expect(final).toHaveLength(COMMITS + 1);
    expect(final.map((p) => p.state)).toEqual(final.map(() => "done"));
    expect(new Set(final.map((p) => p.sha))).toEqual(new Set(commits.map((c) => c.sha)));
    // The pipelines launched before crash 2 are the ones the deliveries name: none launched twice.
    for (const p of early) expect(accepted.some((d) => d.pipelines[0]!.id === p.id)).toBe(true);
    expect(new Set(accepted.map((d) => d.pipelines[0]!.id))).toEqual(new Set(final.map((p) => p.id)));

    // GitHub retrying a delivery it saw no answer for launches nothing more.
    const retry = await push(server, secret, bare, commits[1]!, guids[1]!);
    expect(retry.status).toBe(200);
    expect(retry.body.result).toBe("ignored");
    expect(await pipelines(server)).toHaveLength(COMMITS + 1);
  });

  it("reports each commit status once for a pipeline whose delivery is processed again after the crash", async () => {
    const github = await startGithubApiStub();
    try {
      const { bare, commits } = repository();
      server = await startServer({ env: { BATON_TEST_PAUSE: "delivery-before-finish" } });
      const dataDir = server.dataDir;
      cleanup.push(dataDir);
      const created = await server.api<RepositoryWithSecret>("POST", "/api/repositories", { name: NAME, cloneUrl: bare, defaultBranch: "main", accessToken: "ghp_recovery_token_0123456789", apiBaseUrl: github.url });
      expect(created.status).toBe(201);
      const answer = await push(server, created.body.webhookSecret, bare, commits[0]!, crypto.randomUUID());
      expect(answer.status).toBe(202);
      await paused(server, answer.body.delivery, "delivery-before-finish");
      const sha = commits[0]!.sha;
      await waitFor(() => github.statuses.filter((s) => s.sha === sha).map((s) => s.state).join() === "pending,success", 30_000, "pending, then success");
      await server.crash();

      server = await startServer({ dataDir });
      const s2 = server;
      const view = await waitFor(
        async () => {
          const d = (await deliveries(s2)).find((d) => d.id === answer.body.delivery);
          return d && d.result !== "accepted" ? d : null;
        },
        30_000,
        "the delivery to be processed again",
      );
      expect(view.result).toBe("launched");
      expect(await pipelines(server)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Statuses are sent at least once: a kill between GitHub's answer and the commit of `sent_state`
      // may repeat the last one (harmless, GitHub keeps the latest), but pending never follows success.
      const states = github.statuses.filter((s) => s.sha === sha).map((s) => s.state);
      expect(states.filter((state, i) => state !== states[i - 1])).toEqual(["pending", "success"]);
    } finally {
      await github.close();
    }
  });
});
