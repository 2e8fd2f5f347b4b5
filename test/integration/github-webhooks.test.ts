import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiError } from "../../shared/api/api-contract";
import type { PipelineSummary } from "../../shared/api/pipeline-views";
import type { DeliveryView, RepositoryView, RepositoryWithSecret, TestDeliveryResult } from "../../shared/api/repositories";
import { nodeAt, waitFor } from "../fixtures/engine-harness";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { git } from "../fixtures/temp-git-repo";
import {
  PIPELINE_OK,
  addRepository,
  bareRepo,
  deliver,
  delivery,
  detail,
  example,
  finished,
  pipelines,
  processed,
  repoint,
  sign,
  type BareRepo,
} from "../fixtures/webhook-deliveries";

/**
 * GitHub webhooks against the real server: the payload examples GitHub's SDK publishes
 * (@octokit/webhooks-examples), re-pointed at a local bare repository, signed with the
 * repository's secret and POSTed to /api/webhooks/github; git, HMAC and the engine are real.
 */

const cleanup: string[] = [];
let server: InProcessServer;
let repo: BareRepo;
let registered: RepositoryWithSecret;
const NAME = "acme/widgets";

const ECHO = "echo event={event} branch={branch} sha={sha} pr={pr} tag={tag} env={env_id} >&2; cat pipeline.json";
const CFG = `
[push]
command = ${ECHO}

[pr]
command = ${ECHO}

[pr-close]
command = ${ECHO}

[create-branch]
command = ${ECHO}

[create-tag]
command = ${ECHO}

[delete-branch]
command = ${ECHO}

[delete-tag]
command = ${ECHO}
`;

beforeAll(async () => {
  server = await startInProcess({ BATON_PUBLIC_URL: "https://ci.example.test" });
  repo = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, cleanup);
  registered = await addRepository(server, { name: NAME, cloneUrl: repo.bare, defaultBranch: "main" });
});

afterAll(async () => {
  await server.close();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

async function launchedBy(answer: { status: number; body: { delivery?: number } }): Promise<DeliveryView> {
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return processed(server, answer.body.delivery!);
}

async function onlyPipeline(view: DeliveryView): Promise<PipelineSummary & { variables: Record<string, string> }> {
  expect(view.result, view.reason ?? "").toBe("launched");
  expect(view.pipelines).toHaveLength(1);
  const found = await finished(server, view.pipelines[0]!.id);
  expect(found.state, JSON.stringify(found.root)).toBe("done");
  return found;
}

describe("the repositories API", () => {
  it("shows the webhook secret once, never the token, and keeps both encrypted at rest", async () => {
    const created = await addRepository(server, { name: "acme/secretive", cloneUrl: repo.bare, accessToken: "ghp_plaintexttoken0123456789" });
    expect(created.webhookSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({ hasToken: true, statuses: "enabled", webhookUrl: "https://ci.example.test/api/webhooks/github", defaultBranch: "main" });
    expect(JSON.stringify(created)).not.toContain("ghp_plaintexttoken");

    const fetched = await server.api<RepositoryView>("GET", `/api/repositories/${created.id}`);
    expect(fetched.status).toBe(200);
    expect(JSON.stringify(fetched.body)).not.toContain(created.webhookSecret);
    expect(JSON.stringify(fetched.body)).not.toContain("ghp_plaintexttoken");
    const list = await server.api<{ repositories: RepositoryView[] }>("GET", "/api/repositories");
    expect(list.body.repositories.map((r) => r.name)).toEqual(expect.arrayContaining([NAME, "acme/secretive"]));
    expect(JSON.stringify(list.body)).not.toContain(created.webhookSecret);

    const dataDir = server.baton.config.dataDir;
    const raw = new Database(path.join(dataDir, "baton.sqlite"), { readonly: true });
    const row = raw.prepare("SELECT webhook_secret, access_token FROM repositories WHERE id = ?").get(created.id) as { webhook_secret: string; access_token: string };
    raw.close();
    expect(row.webhook_secret).toMatch(/^v1:/);
    expect(row.webhook_secret).not.toContain(created.webhookSecret);
    expect(row.access_token).not.toContain("ghp_plaintexttoken");
    expect(fs.statSync(path.join(dataDir, "secret-key")).mode & 0o777).toBe(0o600);

    const cleared = await server.api<RepositoryView>("PATCH", `/api/repositories/${created.id}`, { accessToken: null, events: ["push"] });
    expect(cleared.body).toMatchObject({ hasToken: false, statuses: "disabled: no token", events: ["push"] });
    const removed = await server.api("DELETE", `/api/repositories/${created.id}`);
    expect(removed.status).toBe(204);
    expect((await server.api("GET", `/api/repositories/${created.id}`)).status).toBe(404);
  });

  it("masks credentials written into a clone URL", async () => {
    const created = await addRepository(server, { name: "acme/inline-creds", cloneUrl: "https://someone:hunter2@git.example.invalid/acme/inline-creds.git" });
    expect(created.cloneUrl).toBe("https://***@git.example.invalid/acme/inline-creds.git");
    expect(JSON.stringify((await server.api("GET", "/api/repositories")).body)).not.toContain("hunter2");
    await server.api("DELETE", `/api/repositories/${created.id}`);
  });

  it("refuses bad input with 400, a taken name with 409, and anyone without the token with 401", async () => {
    const bad = await server.api<ApiError>("POST", "/api/repositories", { name: "no-slash", cloneUrl: "--upload-pack=touch /tmp/x" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.issues?.join(" ")).toMatch(/name.*owner\/repo/);
    expect(bad.body.error.issues?.join(" ")).toMatch(/cloneUrl/);
    const taken = await server.api<ApiError>("POST", "/api/repositories", { name: NAME.toUpperCase(), cloneUrl: repo.bare });
    expect(taken.status).toBe(409);
    for (const [method, route] of [
      ["GET", "/api/repositories"],
      ["POST", "/api/repositories"],
      ["GET", `/api/repositories/${registered.id}`],
      ["POST", `/api/repositories/${registered.id}/rotate-secret`],
      ["GET", "/api/deliveries"],
      ["POST", "/api/deliveries/1/redeliver"],
    ] as const) {
      const response = await server.api<ApiError>(method, route, method === "POST" ? {} : undefined, {});
      expect(response.status, `${method} ${route}`).toBe(401);
    }
  });
});

describe("acceptance 1: real payloads launch the section the mapping says, on the payload's commit", () => {
  it("push → [push] on `after`, with {branch} and {sha} substituted", async () => {
    const sha = repo.commit({ "notes.txt": "pushed to master\n" }, "master");
    const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, repo.bare);
    payload.after = sha;
    payload.head_commit.id = sha;
    const pipeline = await onlyPipeline(await launchedBy(await deliver(server, "push", payload, { secret: registered.webhookSecret })));
    expect(pipeline).toMatchObject({ event: "push", section: "push", sha, branch: "master", repo: "widgets" });
    expect(pipeline.variables).toMatchObject({ branch: "master", sha, repo: "widgets", owner: "acme", env_id: "master", fork: "false" });
    expect(pipeline.trigger).toMatch(/^github:push by /);
    const generate = nodeAt(await detail(server, pipeline.id), "/Generate");
    expect(generate.command).toContain(`branch='master' sha='${sha}'`);
  });

  it("pull_request opened and synchronize → [pr] on the head sha, with {pr}; closed → [pr-close]", async () => {
    const opened = repo.commit({ "feature.txt": "one\n" }, "changes");
    const payload = repoint(example("pull_request", (p) => p.action === "opened"), NAME, repo.bare);
    payload.pull_request.head.sha = opened;
    const first = await onlyPipeline(await launchedBy(await deliver(server, "pull_request", payload, { secret: registered.webhookSecret })));
    expect(first).toMatchObject({ event: "pr", section: "pr", sha: opened, branch: payload.pull_request.head.ref });
    expect(first.variables).toMatchObject({ pr: String(payload.number), base_branch: payload.pull_request.base.ref, action: "opened", env_id: `pr-${payload.number}`, fork: "false" });
    const generate = nodeAt(await detail(server, first.id), "/Generate");
    expect(generate.command).toContain(`pr='${payload.number}'`);
    expect(generate.command).toContain(`sha='${opened}'`);

    const synced = repo.commit({ "feature.txt": "two\n" }, "changes");
    const sync = repoint(example("pull_request", (p) => p.action === "synchronize"), NAME, repo.bare);
    sync.pull_request.head.sha = synced;
    const second = await onlyPipeline(await launchedBy(await deliver(server, "pull_request", sync, { secret: registered.webhookSecret })));
    expect(second).toMatchObject({ event: "pr", sha: synced });
    expect(second.variables).toMatchObject({ pr: String(sync.number), action: "synchronize" });

    const close = repoint(example("pull_request", (p) => p.action === "closed"), NAME, repo.bare);
    close.pull_request.head.sha = synced;
    const closed = await onlyPipeline(await launchedBy(await deliver(server, "pull_request", close, { secret: registered.webhookSecret })));
    expect(closed).toMatchObject({ event: "pr-close", section: "pr-close", sha: synced });
    expect(closed.variables).toMatchObject({ pr: String(close.number), action: "closed", merged: "false" });
  });

  it("create and delete of a branch or a tag → create-branch, create-tag, delete-branch, delete-tag", async () => {
    const branchSha = repo.commit({ "b.txt": "b\n" }, "topic");
    const createBranch = repoint(example("create"), NAME, repo.bare);
    Object.assign(createBranch, { ref: "topic", ref_type: "branch" });
    const created = await onlyPipeline(await launchedBy(await deliver(server, "create", createBranch, { secret: registered.webhookSecret })));
    expect(created).toMatchObject({ event: "create-branch", section: "create-branch", branch: "topic", sha: branchSha });

    git(repo.work, "tag", "-a", "-m", "release", "simple-tag", branchSha);
    repo.push("refs/tags/simple-tag");
    const createTag = repoint(example("create"), NAME, repo.bare);
    expect(createTag).toMatchObject({ ref: "simple-tag", ref_type: "tag" });
    const tagged = await onlyPipeline(await launchedBy(await deliver(server, "create", createTag, { secret: registered.webhookSecret })));
    expect(tagged).toMatchObject({ event: "create-tag", section: "create-tag", sha: branchSha });
    expect(tagged.variables).toMatchObject({ tag: "simple-tag", env_id: "simple-tag" });

    repo.push(":refs/heads/topic", ":refs/tags/simple-tag");
    const main = repo.head("refs/heads/main");
    const deleteBranch = repoint(example("delete"), NAME, repo.bare);
    Object.assign(deleteBranch, { ref: "topic", ref_type: "branch" });
    const branchGone = await onlyPipeline(await launchedBy(await deliver(server, "delete", deleteBranch, { secret: registered.webhookSecret })));
    expect(branchGone).toMatchObject({ event: "delete-branch", branch: "topic", sha: main });
    const deleteTag = repoint(example("delete"), NAME, repo.bare);
    const tagGone = await onlyPipeline(await launchedBy(await deliver(server, "delete", deleteTag, { secret: registered.webhookSecret })));
    expect(tagGone).toMatchObject({ event: "delete-tag", sha: main });
    expect(tagGone.variables.tag).toBe("simple-tag");
  });

  it("reads a delivery sent form-encoded (GitHub's other content type), signed over the raw form body", async () => {
    const sha = repo.commit({ "form.txt": "form\n" }, "form-branch");
    const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, repo.bare);
    Object.assign(payload, { ref: "refs/heads/form-branch", after: sha });
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const response = await fetch(`${server.url}/api/webhooks/github`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-github-event": "push", "x-github-delivery": "form-encoded-1", "x-hub-signature-256": sign(registered.webhookSecret, body) },
      body,
    });
    const answer = (await response.json()) as { delivery: number };
    const pipeline = await onlyPipeline(await launchedBy({ status: response.status, body: answer }));
    expect(pipeline).toMatchObject({ sha, branch: "form-branch" });
  });

  it("answers ping, and logs events that launch nothing as ignored with the reason", async () => {
    const ping = repoint(example("ping", (p) => Boolean(p.repository)), NAME, repo.bare);
    const pong = await deliver(server, "ping", ping, { secret: registered.webhookSecret });
    expect(pong.status).toBe(200);
    expect(pong.body).toMatchObject({ result: "ignored", reason: expect.stringMatching(/^ping: the webhook reaches Baton/) });

    const labeled = repoint(example("pull_request", (p) => p.action === "labeled"), NAME, repo.bare);
    const ignored = await deliver(server, "pull_request", labeled, { secret: registered.webhookSecret });
    expect(ignored).toMatchObject({ status: 200, body: { result: "ignored", reason: expect.stringMatching(/labeled launches nothing/) } });

    const deletedPush = repoint(example("push"), NAME, repo.bare);
    Object.assign(deletedPush, { deleted: true, after: "0".repeat(40) });
    const notPushed = await deliver(server, "push", deletedPush, { secret: registered.webhookSecret });
    expect(notPushed.body).toMatchObject({ result: "ignored", reason: expect.stringMatching(/was deleted/) });

    const before = (await pipelines(server)).length;
    const filtered = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, repo.bare);
    filtered.ref = "refs/tags/v9";
    const tagPush = await deliver(server, "push", filtered, { secret: registered.webhookSecret });
    expect(tagPush.body).toMatchObject({ result: "ignored", reason: expect.stringMatching(/is a tag/) });
    expect((await pipelines(server)).length).toBe(before);
  });
});

describe("acceptance 2: refusals launch nothing and are logged as rejected", () => {
  it("answers 401 for a wrong, a missing or another body's signature, and 404 for an unknown repository", async () => {
    const sha = repo.head("refs/heads/main");
    const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, repo.bare);
    Object.assign(payload, { ref: "refs/heads/main", after: sha });
    const before = (await pipelines(server)).length;

    const wrong = await deliver(server, "push", payload, { secret: "not-the-secret" });
    const missing = await deliver(server, "push", payload, { signature: null });
    const otherBody = await deliver(server, "push", payload, { signature: sign(registered.webhookSecret, "{}") });
    const unknown = await deliver(server, "push", repoint(structuredClone(payload), "acme/unknown", repo.bare), { secret: registered.webhookSecret });
    for (const answer of [wrong, missing, otherBody]) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe("bad_signature");
    }
    expect(unknown.status).toBe(404);

    const logged = await Promise.all([wrong, missing, otherBody, unknown].map((a) => delivery(server, a.body.delivery as number)));
    for (const entry of logged) expect(entry).toMatchObject({ result: "rejected", event: "push", canRedeliver: false });
    expect(logged[0]!.reason).toMatch(/does not match/);
    expect(logged[1]!.reason).toMatch(/no X-Hub-Signature-256/);
    expect(logged[3]).toMatchObject({ repository: "acme/unknown", repositoryId: null, status: 404 });
    const listed = await server.api<{ deliveries: DeliveryView[] }>("GET", `/api/deliveries?repository=${encodeURIComponent(NAME)}&result=rejected`);
    expect(listed.body.deliveries.map((d) => d.guid)).toEqual(expect.arrayContaining([wrong.guid, missing.guid, otherBody.guid]));
    await server.baton.integrations.idle();
    expect((await pipelines(server)).length).toBe(before);
  });

  it("answers 413 to a 30 MB body without keeping it, and 400 (logged) to malformed JSON with a valid signature", async () => {
    const huge = Buffer.alloc(30 * 1024 * 1024, 0x20);
    const tooLarge = await deliver(server, "push", null, { body: huge, secret: registered.webhookSecret });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe("payload_too_large");
    expect(await delivery(server, tooLarge.body.delivery as number)).toMatchObject({ result: "rejected", status: 413 });

    const malformed = '{"repository": {"full_name": "acme/widgets"}, oops';
    const bad = await deliver(server, "push", null, { body: malformed, secret: registered.webhookSecret });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("malformed_payload");
    expect(await delivery(server, bad.body.delivery as number)).toMatchObject({ result: "rejected", status: 400, reason: expect.stringMatching(/malformed JSON/) });
  });
});

describe("acceptance 3: idempotent deliveries and the duplicate policies", () => {
  let dup: BareRepo;
  let dupRepo: RepositoryWithSecret;
  const DUP = "acme/duplicates";
  beforeAll(async () => {
    const slow = JSON.stringify({ type: "exec", name: "slow", command: "sleep 1.5" });
    const cfg = [
      "[push allow]\nfilter = {branch} == allow-*\nduplicate = ALLOW\ncommand = cat pipeline.json",
      "[push suppress]\nfilter = {branch} == suppress-*\nduplicate = SUPPRESS_NEW\ncommand = cat slow.json",
      "[push sleep]\nfilter = {branch} == sleep-*\nduplicate = SLEEP_OLD\ncommand = cat slow.json",
      "[push defer]\nfilter = {branch} == defer-*\nduplicate = DEFER\ncommand = cat slow.json",
    ].join("\n\n");
    dup = bareRepo({ ".conducto.cfg": cfg, "pipeline.json": PIPELINE_OK, "slow.json": slow }, cleanup);
    dupRepo = await addRepository(server, { name: DUP, cloneUrl: dup.bare });
  });

  function pushTo(branch: string): { payload: Record<string, unknown>; sha: string } {
    const sha = dup.commit({ [`${branch}.txt`]: branch }, branch);
    const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), DUP, dup.bare);
    Object.assign(payload, { ref: `refs/heads/${branch}`, after: sha });
    return { payload, sha };
  }

  const idsFor = async (deliveries: number[]) => (await Promise.all(deliveries.map((id) => processed(server, id)))).flatMap((d) => d.pipelines.map((p) => p.id));

  it("launches once for a delivery id sent twice, and says so the second time", async () => {
    const { payload } = pushTo("allow-twice");
    const first = await deliver(server, "push", payload, { secret: dupRepo.webhookSecret, guid: "11111111-2222-3333-4444-555555555555" });
    const again = await deliver(server, "push", payload, { secret: dupRepo.webhookSecret, guid: "11111111-2222-3333-4444-555555555555" });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ result: "ignored", reason: expect.stringMatching(/received before \(delivery #\d+\): a redelivery launches nothing/) });
    await server.baton.integrations.idle();
    expect(await idsFor([first.body.delivery as number, again.body.delivery as number])).toHaveLength(1);
  });

  it("launches once even when the same delivery id arrives 10 times at once", async () => {
    const { payload } = pushTo("allow-racing");
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(server, "push", payload, { secret: dupRepo.webhookSecret, guid: "racing-delivery-id" })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    await server.baton.integrations.idle();
    expect(await idsFor(answers.map((a) => a.body.delivery as number))).toHaveLength(1);
  });

  it("launches exactly 50 pipelines for 50 distinct deliveries sent concurrently (ALLOW), each answered within 1 s", async () => {
    const { payload } = pushTo("allow-fifty");
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const started = Date.now();
        const answer = await deliver(server, "push", payload, { secret: dupRepo.webhookSecret });
        return { ...answer, ms: Date.now() - started };
      }),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1000);
    const ids = await idsFor(answers.map((a) => a.body.delivery as number));
    expect(new Set(ids).size).toBe(50);
    await Promise.all(ids.map((id) => finished(server, id, 60_000)));
  });

  it("launches one pipeline for 5 concurrent deliveries while it runs (SUPPRESS_NEW), and says why for the others", async () => {
    const { payload } = pushTo("suppress-x");
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(server, "push", payload, { secret: dupRepo.webhookSecret })));
    const views = await Promise.all(answers.map((a) => processed(server, a.body.delivery as number)));
    expect(views.flatMap((v) => v.pipelines)).toHaveLength(1);
    const suppressed = views.filter((v) => v.result === "ignored");
    expect(suppressed).toHaveLength(4);
    for (const view of suppressed) expect(view.reason).toMatch(/duplicate = SUPPRESS_NEW/);
  });

  it("kills the running pipeline for the new one (SLEEP_OLD)", async () => {
    const { payload } = pushTo("sleep-x");
    const first = await processed(server, (await deliver(server, "push", payload, { secret: dupRepo.webhookSecret })).body.delivery as number);
    const second = await processed(server, (await deliver(server, "push", payload, { secret: dupRepo.webhookSecret })).body.delivery as number);
    const [old, fresh] = [first.pipelines[0]!.id, second.pipelines[0]!.id];
    expect((await finished(server, old)).state).toBe("killed");
    expect((await finished(server, fresh)).state).toBe("done");
  });

  it("starts the new pipeline only once the running one ended (DEFER)", async () => {
    const { payload } = pushTo("defer-x");
    const first = await processed(server, (await deliver(server, "push", payload, { secret: dupRepo.webhookSecret })).body.delivery as number);
    const secondAnswer = await deliver(server, "push", payload, { secret: dupRepo.webhookSecret });
    expect(secondAnswer.status).toBe(202);
    const second = await processed(server, secondAnswer.body.delivery as number, 30_000);
    const old = await finished(server, first.pipelines[0]!.id);
    const fresh = await finished(server, second.pipelines[0]!.id);
    expect(old.state).toBe("done");
    expect(fresh.createdAt).toBeGreaterThanOrEqual(old.endedAt!);
  });
});

describe("acceptance 4: a pull request's environment", () => {
  it("runs [pr-close] with the {env_id} the pull request's pipelines had", async () => {
    const head = repo.commit({ "pr.txt": "env\n" }, "env-feature");
    const opened = repoint(example("pull_request", (p) => p.action === "opened"), NAME, repo.bare);
    Object.assign(opened, { number: 42 });
    Object.assign(opened.pull_request, { number: 42 });
    opened.pull_request.head.ref = "env-feature";
    opened.pull_request.head.sha = head;
    const pr = await onlyPipeline(await launchedBy(await deliver(server, "pull_request", opened, { secret: registered.webhookSecret })));

    const closed = repoint(example("pull_request", (p) => p.action === "closed"), NAME, repo.bare);
    Object.assign(closed, { number: 42 });
    closed.pull_request.head.ref = "env-feature";
    closed.pull_request.head.sha = head;
    const close = await onlyPipeline(await launchedBy(await deliver(server, "pull_request", closed, { secret: registered.webhookSecret })));
    expect(pr.variables.env_id).toBe("pr-42");
    expect(close).toMatchObject({ event: "pr-close" });
    expect(close.variables.env_id).toBe(pr.variables.env_id);
    expect(nodeAt(await detail(server, close.id), "/Generate").command).toContain("env='pr-42'");
  });

  it("marks a pull request from a fork, in its variables and its trigger", async () => {
    const head = repo.commit({ "fork.txt": "from a fork\n" }, "fork-feature");
    const payload = repoint(example("pull_request", (p) => p.action === "opened"), NAME, repo.bare, { fork: "stranger/widgets" });
    payload.pull_request.head.sha = head;
    const pipeline = await onlyPipeline(await launchedBy(await deliver(server, "pull_request", payload, { secret: registered.webhookSecret })));
    expect(pipeline.variables.fork).toBe("true");
    expect(pipeline.trigger).toMatch(/from fork stranger\/widgets/);
  });
});

describe("deliveries: test delivery, the log and redelivery", () => {
  it("sends a signed test push to itself that launches [push] on the default branch's head, listed with its pipeline", async () => {
    const test = await server.api<TestDeliveryResult>("POST", `/api/repositories/${registered.id}/test-delivery`, {});
    expect(test.status).toBe(200);
    expect(test.body.status).toBe(202);
    const view = await processed(server, (test.body.answer as { delivery: number }).delivery);
    expect(view).toMatchObject({ source: "test", event: "push", guid: test.body.guid, result: "launched" });
    expect(view.pipelines[0]!.url).toBe(`https://ci.example.test/pipelines/${view.pipelines[0]!.id}`);
    const pipeline = await finished(server, view.pipelines[0]!.id);
    expect(pipeline).toMatchObject({ sha: repo.head("refs/heads/main"), branch: "main", event: "push" });

    const ping = await server.api<TestDeliveryResult>("POST", `/api/repositories/${registered.id}/test-delivery`, { event: "ping" });
    expect(ping.body).toMatchObject({ status: 200, answer: { result: "ignored" } });

    const listed = await server.api<{ deliveries: DeliveryView[] }>("GET", `/api/deliveries?repository=${registered.id}&limit=5`);
    expect(listed.body.deliveries[0]!.guid).toBe(ping.body.guid);
    expect(listed.body.deliveries.map((d) => d.id)).toContain(view.id);
  });

  it("redelivers a logged delivery as a new one that launches again", async () => {
    const sha = repo.commit({ "redeliver.txt": "again\n" }, "main");
    const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, repo.bare);
    Object.assign(payload, { ref: "refs/heads/main", after: sha });
    const original = await launchedBy(await deliver(server, "push", payload, { secret: registered.webhookSecret }));
    await finished(server, original.pipelines[0]!.id);
    expect(original.canRedeliver).toBe(true);

    const redelivered = await server.api<{ delivery: number; result: string }>("POST", `/api/deliveries/${original.id}/redeliver`);
    expect(redelivered.status).toBe(202);
    const again = await processed(server, redelivered.body.delivery);
    expect(again).toMatchObject({ source: "redelivery", redeliveryOf: original.id, result: "launched" });
    expect(again.pipelines[0]!.id).not.toBe(original.pipelines[0]!.id);
    expect((await finished(server, again.pipelines[0]!.id)).sha).toBe(sha);

    const rejected = (await server.api<{ deliveries: DeliveryView[] }>("GET", "/api/deliveries?result=rejected&limit=1")).body.deliveries[0]!;
    const refused = await server.api<ApiError>("POST", `/api/deliveries/${rejected.id}/redeliver`);
    expect(refused.status).toBe(409);
  });

  it("stops verifying the old secret once it is rotated", async () => {
    const rotated = await server.api<RepositoryWithSecret>("POST", `/api/repositories/${registered.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookSecret).not.toBe(registered.webhookSecret);
    const ping = repoint(example("ping", (p) => Boolean(p.repository)), NAME, repo.bare);
    expect((await deliver(server, "ping", ping, { secret: registered.webhookSecret })).status).toBe(401);
    expect((await deliver(server, "ping", ping, { secret: rotated.body.webhookSecret })).status).toBe(200);
    registered = rotated.body;
  });

  it("fetches the mirror instead of cloning it again", async () => {
    const mirror = server.baton.integrations.mirrors.dirOf(registered.id);
    const inode = fs.statSync(path.join(mirror, "objects")).ino;
    const sha = repo.commit({ "fetch.txt": "fetched\n" }, "main");
    const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, repo.bare);
    Object.assign(payload, { ref: "refs/heads/main", after: sha });
    await onlyPipeline(await launchedBy(await deliver(server, "push", payload, { secret: registered.webhookSecret })));
    expect(fs.statSync(path.join(mirror, "objects")).ino).toBe(inode);
    expect(git(mirror, "rev-parse", "refs/heads/main")).toBe(sha);
    await waitFor(() => server.baton.integrations.view(server.baton.integrations.repositories.get(registered.id)!).mirror.fetchedAt !== null, 5_000, "fetch time");
  });
});
