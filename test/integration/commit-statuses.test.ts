import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RepositoryView } from "../../shared/api/repositories";
import { waitFor } from "../fixtures/engine-harness";
import { startGithubApiStub, type GithubApiStub } from "../fixtures/github-api-stub";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { PIPELINE_FAILS, PIPELINE_OK, addRepository, bareRepo, deliver, example, finished, processed, repoint, type BareRepo } from "../fixtures/webhook-deliveries";

/**
 * Commit statuses against a local stand-in for api.github.com (test/fixtures/github-api-stub.ts)
 * speaking POST /repos/{owner}/{repo}/statuses/{sha}; the deliveries, git and pipelines are real.
 */

const PUBLIC_URL = "https://ci.example.test";
const TOKEN = "ghp_statuses_token_0123456789";
const cleanup: string[] = [];
let server: InProcessServer;
let github: GithubApiStub;
let repo: BareRepo;

beforeAll(async () => {
  github = await startGithubApiStub();
  server = await startInProcess({ BATON_PUBLIC_URL: PUBLIC_URL });
  const cfg = "[push]\ncommand = cat pipeline.json\n\n[pr]\ncommand = cat pipeline.json\n";
  repo = bareRepo({ ".conducto.cfg": cfg, "pipeline.json": PIPELINE_OK }, cleanup);
});

afterAll(async () => {
  await server.close();
  await github.close();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function pushPayload(name: string, branch: string, sha: string): Record<string, unknown> {
  const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), name, repo.bare);
  return Object.assign(payload, { ref: `refs/heads/${branch}`, after: sha });
}

async function launch(secret: string, payload: Record<string, unknown>): Promise<string> {
  const answer = await deliver(server, "push", payload, { secret });
  expect(answer.status).toBe(202);
  const view = await processed(server, answer.body.delivery as number);
  expect(view.result, view.reason ?? "").toBe("launched");
  return view.pipelines[0]!.id;
}

const statusesFor = (sha: string) => github.statuses.filter((s) => s.sha === sha);

describe("acceptance 5: commit statuses", () => {
  it("sends pending at launch, then success, on the pushed commit with context baton/<section> and the pipeline's URL", async () => {
    const added = await addRepository(server, { name: "acme/statuses", cloneUrl: repo.bare, accessToken: TOKEN, apiBaseUrl: github.url });
    expect(added.statuses).toBe("enabled");
    const sha = repo.commit({ "a.txt": "a\n" }, "green");
    const id = await launch(added.webhookSecret, pushPayload(added.name, "green", sha));
    expect((await finished(server, id)).state).toBe("done");
    const sent = await waitFor(() => (statusesFor(sha).length >= 2 ? statusesFor(sha) : null), 10_000, "two statuses");
    expect(sent.map((s) => s.state)).toEqual(["pending", "success"]);
    for (const status of sent) {
      expect(status).toMatchObject({ owner: "acme", repo: "statuses", context: "baton/push", targetUrl: `${PUBLIC_URL}/pipelines/${id}`, authorization: `Bearer ${TOKEN}` });
      expect(status.description).toMatch(/^Baton: /);
    }
  });

  it("sends failure when the pipeline fails", async () => {
    const added = await addRepository(server, { name: "acme/red", cloneUrl: repo.bare, accessToken: TOKEN, apiBaseUrl: github.url });
    const sha = repo.commit({ "pipeline.json": PIPELINE_FAILS }, "red");
    const id = await launch(added.webhookSecret, pushPayload(added.name, "red", sha));
    // The cfg is read from main, whose pipeline.json is fine: the commit's own pipeline.json fails.
    expect((await finished(server, id)).state).toBe("error");
    const sent = await waitFor(() => (statusesFor(sha).length >= 2 ? statusesFor(sha) : null), 10_000, "two statuses");
    expect(sent.map((s) => [s.state, s.context])).toEqual([
      ["pending", "baton/push"],
      ["failure", "baton/push"],
    ]);
  });

  it("retries a status GitHub answered with a 5xx, and never lets a failure reach the pipeline", async () => {
    const added = await addRepository(server, { name: "acme/flaky", cloneUrl: repo.bare, accessToken: TOKEN, apiBaseUrl: github.url });
    const sha = repo.commit({ "b.txt": "b\n" }, "flaky");
    github.failNext(502);
    const id = await launch(added.webhookSecret, pushPayload(added.name, "flaky", sha));
    expect((await finished(server, id)).state).toBe("done");
    const sent = await waitFor(() => (statusesFor(sha).length >= 2 ? statusesFor(sha) : null), 15_000, "statuses after a retry");
    expect(sent.map((s) => s.state)).toEqual(["pending", "success"]);
  });

  it("sends nothing without a token, and the repository says so", async () => {
    const added = await addRepository(server, { name: "acme/tokenless", cloneUrl: repo.bare, apiBaseUrl: github.url });
    expect(added).toMatchObject({ hasToken: false, statuses: "disabled: no token" });
    const view = await server.api<RepositoryView>("GET", `/api/repositories/${added.id}`);
    expect(view.body.statuses).toBe("disabled: no token");
    const before = github.requests;
    const sha = repo.commit({ "c.txt": "c\n" }, "quiet");
    const id = await launch(added.webhookSecret, pushPayload(added.name, "quiet", sha));
    await finished(server, id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(github.requests).toBe(before);
    expect(statusesFor(sha)).toEqual([]);
  });
});
