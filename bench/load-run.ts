/**
 * `npm run load`: a bounded load and fault run on loopback (issue 7). 200 signed push deliveries for
 * 200 distinct commits into a Docker-executor server with BATON_MAX_PARALLEL=4; the server is killed
 * with kill -9 three times and restarted on the same data dir; the Docker engine (a relay to it) is cut
 * for 10 s once; pipelines that end with worker_error are rerun. Prints what held; exits 1 otherwise.
 */
import { execFile, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { PipelineSummary } from "../shared/api/pipeline-views";
import type { DeliveryView, RepositoryWithSecret } from "../shared/api/repositories";
import { startServer, type BatonServer } from "../test/fixtures/baton-server";
import { DockerRelay } from "../test/fixtures/docker-relay";
import { git, makeRepo, tempDir } from "../test/fixtures/temp-git-repo";
import { example, repoint, sign } from "../test/fixtures/webhook-deliveries";

const COMMITS = 200;
const SEND_CONCURRENCY = 16;
const MAX_PARALLEL = 4;
const HARD_CAP_MS = 8 * 60_000;
const CRASH_AT_MS = [6_000, 30_000, 60_000];
const OUTAGE_AT_MS = 42_000;
const OUTAGE_MS = 10_000;
const INSTANCE = `load-${process.pid}`;
const NAME = "load/widgets";
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${message}`);
const t0 = Date.now();

const PIPELINE = JSON.stringify({
  type: "serial",
  name: "load",
  image: "baton-test/busybox:latest",
  children: [
    { type: "exec", name: "a", command: "sleep 0.3" },
    { type: "exec", name: "b", command: "sleep 0.3" },
  ],
});
const CFG = "[push]\ncommand = cat p.json\n";

const cleanupDirs: string[] = [];
const relay = new DockerRelay();
let server: BatonServer;
let serverEnv: Record<string, string>;
let dataDir: string;
let restarting: Promise<void> | null = null;
let maxConcurrent = 0;
let sampling = true;

/** 200 branches, one distinct commit each, pushed to a bare repository in one go. */
function makeCommits(): { bare: string; commits: { branch: string; sha: string }[] } {
  const work = makeRepo({ ".conducto.cfg": CFG, "p.json": PIPELINE }, { prefix: "baton-load-work-" });
  const parent = tempDir("baton-load-bare-");
  cleanupDirs.push(work, parent);
  const bare = path.join(parent, "origin.git");
  const main = git(work, "rev-parse", "HEAD");
  const tree = git(work, "rev-parse", "HEAD^{tree}");
  const commits = [];
  for (let i = 0; i < COMMITS; i++) {
    // Same tree, distinct message: a distinct commit without touching the work tree.
    const sha = git(work, "commit-tree", tree, "-p", main, "-m", `load commit ${i}`);
    const branch = `load-${i}`;
    git(work, "branch", branch, sha);
    commits.push({ branch, sha });
  }
  git(parent, "clone", "--quiet", "--bare", work, bare);
  return { bare, commits };
}

async function api<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  for (;;) {
    if (restarting) await restarting;
    try {
      return await server.api<T>(method, route, body);
    } catch {
      await sleep(200); // The server is down (killed); it comes back.
    }
  }
}

async function crashAndRestart(n: number): Promise<void> {
  let done!: () => void;
  restarting = new Promise((resolve) => (done = resolve));
  await server.crash();
  log(`kill -9 #${n} (pid ${server.process.pid}); restarting on the same data dir`);
  server = await startServer({ executor: "docker", dataDir, env: serverEnv });
  log(`server back at ${server.url}`);
  restarting = null;
  done();
}

/** Running containers this instance started for nodes, sampled until the end. */
async function sampleContainers(): Promise<void> {
  while (sampling) {
    try {
      const { stdout } = await run("docker", ["ps", "-q", "--filter", `label=baton.instance=${INSTANCE}`, "--filter", "label=baton.node"]);
      maxConcurrent = Math.max(maxConcurrent, stdout.split("\n").filter(Boolean).length);
    } catch {
      // docker ps itself failed; the next sample counts.
    }
    await sleep(100);
  }
}

async function sendDelivery(secret: string, bare: string, commit: { branch: string; sha: string }): Promise<number | null> {
  const payload = repoint(example("push", (p) => p.ref === "refs/heads/master"), NAME, bare);
  Object.assign(payload, { ref: `refs/heads/${commit.branch}`, after: commit.sha });
  payload.head_commit.id = commit.sha;
  const body = JSON.stringify(payload);
  const guid = crypto.randomUUID();
  for (;;) {
    if (restarting) await restarting;
    try {
      const response = await fetch(`${server.url}/api/webhooks/github`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": guid, "x-hub-signature-256": sign(secret, body) },
        body,
      });
      const answer = (await response.json()) as { delivery?: number };
      return response.status === 202 ? (answer.delivery ?? null) : null;
    } catch {
      await sleep(200); // Killed mid-request: GitHub would retry the same delivery id; so do we.
    }
  }
}

async function allPipelines(): Promise<PipelineSummary[]> {
  return (await api<{ pipelines: PipelineSummary[] }>("GET", `/api/pipelines?repo=widgets&limit=500`)).body.pipelines;
}

async function main(): Promise<number> {
  await relay.start();
  dataDir = tempDir("baton-load-data-");
  cleanupDirs.push(dataDir);
  serverEnv = { BATON_MAX_PARALLEL: String(MAX_PARALLEL), DOCKER_HOST: relay.dockerHost, BATON_GENERATE_IMAGE: "baton-test/node:20", BATON_INSTANCE: INSTANCE };
  server = await startServer({ executor: "docker", dataDir, env: serverEnv });
  const { bare, commits } = makeCommits();
  const created = await api<RepositoryWithSecret>("POST", "/api/repositories", { name: NAME, cloneUrl: bare, defaultBranch: "main" });
  if (created.status !== 201) throw new Error(`registering the repository: ${created.status} ${JSON.stringify(created.body)}`);
  log(`server ${server.url}, ${COMMITS} commits on ${COMMITS} branches in ${bare}`);
  const sampler = sampleContainers();

  // Faults on a clock from the first delivery.
  const start = Date.now();
  const faults = (async () => {
    const events = [...CRASH_AT_MS.map((at, i) => ({ at, kind: `crash ${i + 1}` })), { at: OUTAGE_AT_MS, kind: "outage" }].sort((a, b) => a.at - b.at);
    for (const event of events) {
      await sleep(Math.max(0, start + event.at - Date.now()));
      if (event.kind === "outage") {
        await relay.stop();
        log(`docker relay stopped for ${OUTAGE_MS / 1000} s`);
        await sleep(OUTAGE_MS);
        await relay.start();
        log("docker relay back");
      } else await crashAndRestart(Number(event.kind.split(" ")[1]));
    }
  })();

  let accepted = 0;
  const queue = [...commits];
  await Promise.all(
    Array.from({ length: SEND_CONCURRENCY }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) if ((await sendDelivery(created.body.webhookSecret, bare, c)) !== null) accepted++;
    }),
  );
  log(`${commits.length} deliveries sent, ${accepted} accepted`);

  // Deliveries the server accepted but had not processed when killed are marked error on restart
  // (not retried by the server): redeliver those, as an operator would.
  const redelivered = new Set<number>();
  const redeliverInterrupted = async () => {
    const list = await api<{ deliveries: DeliveryView[] }>("GET", `/api/deliveries?repository=${encodeURIComponent(NAME)}&result=error&limit=500`);
    for (const d of list.body.deliveries) {
      if (redelivered.has(d.id) || !/server stopped before processing/.test(d.reason ?? "")) continue;
      redelivered.add(d.id);
      await api("POST", `/api/deliveries/${d.id}/redeliver`);
    }
  };

  const shas = new Set(commits.map((c) => c.sha));
  const rerun = new Set<string>();
  const workerErrorNodes = { seen: 0 };
  let final: PipelineSummary[] = [];
  for (;;) {
    await faults.then(() => undefined);
    await redeliverInterrupted();
    const list = (await allPipelines()).filter((p) => p.sha && shas.has(p.sha));
    for (const p of list) {
      if (p.endedAt !== null && p.state === "worker_error" && !rerun.has(p.id)) {
        rerun.add(p.id);
        workerErrorNodes.seen += p.counts.worker_error ?? 0;
        const answer = await api("POST", `/api/pipelines/${p.id}/actions`, { action: "rerunFailed" });
        log(`pipeline ${p.id} ended worker_error (${p.counts.worker_error} nodes): rerunFailed → ${answer.status}`);
      }
    }
    const covered = new Set(list.map((p) => p.sha));
    const ended = list.filter((p) => p.endedAt !== null && p.state !== "worker_error");
    if (covered.size === shas.size && ended.length === list.length) {
      final = list;
      break;
    }
    if (Date.now() - t0 > HARD_CAP_MS - 30_000) {
      final = list;
      log("hard cap reached before every pipeline ended");
      break;
    }
    await sleep(1_000);
  }

  // Nothing of this instance left once every pipeline ended (give the executor a moment to remove).
  let orphans: string[] = [];
  for (let i = 0; i < 20; i++) {
    orphans = execFileSync("docker", ["ps", "-aq", "--filter", `label=baton.instance=${INSTANCE}`], { encoding: "utf8" }).split("\n").filter(Boolean);
    if (orphans.length === 0) break;
    await sleep(500);
  }
  sampling = false;
  await sampler;

  const perSha = new Map<string, number>();
  for (const p of final) perSha.set(p.sha!, (perSha.get(p.sha!) ?? 0) + 1);
  const duplicates = [...perSha.values()].filter((n) => n > 1).length;
  const lost = [...shas].filter((s) => !perSha.has(s)).length;
  const done = final.filter((p) => p.state === "done").length;
  const rerunDone = final.filter((p) => rerun.has(p.id) && p.state === "done").length;
  const counts = {
    "deliveries sent": commits.length,
    "deliveries accepted (202)": accepted,
    "interrupted deliveries redelivered": redelivered.size,
    "pipelines launched": final.length,
    "pipelines finished done": done,
    "pipelines ended error (not worker_error)": final.filter((p) => p.state === "error").length,
    "duplicates (two pipelines for one commit)": duplicates,
    "lost (a commit with no pipeline)": lost,
    "orphan containers with Baton's labels": orphans.length,
    "max concurrent nodes": maxConcurrent,
    "pipelines ended worker_error": rerun.size,
    "worker_error nodes seen": workerErrorNodes.seen,
    "worker_error pipelines rerun to done": rerunDone,
    "runtime (s)": Math.round((Date.now() - t0) / 1000),
  };
  console.log("");
  for (const [k, v] of Object.entries(counts)) console.log(`${k.padEnd(44)} ${v}`);

  const broken: string[] = [];
  if (accepted !== commits.length) broken.push(`${commits.length - accepted} deliveries not accepted`);
  if (done !== shas.size) broken.push(`${shas.size - done} commits without a done pipeline`);
  if (duplicates !== 0) broken.push(`${duplicates} commits with two pipelines`);
  if (lost !== 0) broken.push(`${lost} commits lost`);
  if (orphans.length !== 0) broken.push(`${orphans.length} orphan containers`);
  if (maxConcurrent > MAX_PARALLEL) broken.push(`max concurrent nodes ${maxConcurrent} > ${MAX_PARALLEL}`);
  if (rerun.size === 0) broken.push("the outage produced no worker_error node to rerun");
  if (rerunDone !== rerun.size) broken.push(`${rerun.size - rerunDone} reruns did not end done`);
  console.log(broken.length === 0 ? "\nevery promise held" : `\nBROKEN:\n  ${broken.join("\n  ")}`);
  return broken.length === 0 ? 0 : 1;
}

async function cleanup(): Promise<void> {
  sampling = false;
  await server?.stop().catch(() => undefined);
  await relay.stop().catch(() => undefined);
  const left = execFileSync("docker", ["ps", "-aq", "--filter", `label=baton.instance=${INSTANCE}`], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (left.length) execFileSync("docker", ["rm", "-f", ...left], { stdio: "ignore" });
  // Snapshot images of pipelines that ended in error are left behind by the server: remove ours.
  const images = execFileSync("docker", ["images", "-q", "--filter", `label=baton.instance=${INSTANCE}`], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (images.length) console.log(`removing ${images.length} snapshot images the server left with this instance's label`);
  if (images.length) execFileSync("docker", ["rmi", "-f", ...new Set(images)], { stdio: "ignore" });
  for (const dir of cleanupDirs) fs.rmSync(dir, { recursive: true, force: true });
}

const cap = setTimeout(() => {
  console.error(`hard cap of ${HARD_CAP_MS / 60_000} minutes reached`);
  void cleanup().finally(() => process.exit(1));
}, HARD_CAP_MS);
main()
  .catch((error: unknown) => {
    console.error(error);
    if (server) console.error(server.output().slice(-4000));
    return 1;
  })
  .then(async (code) => {
    clearTimeout(cap);
    await cleanup();
    process.exit(code);
  });
