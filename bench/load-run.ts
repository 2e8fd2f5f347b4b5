/**
 * `npm run load`: a bounded load and fault run on loopback (issue 7). 200 signed push deliveries for
 * 200 distinct commits into a Docker-executor server with BATON_MAX_PARALLEL=4; the server is killed
 * with kill -9 three times and restarted on the same data dir (deliveries it accepted and had not
 * processed are processed on start, by the server alone); the Docker engine (a relay to it) is cut
 * for 10 s once; pipelines that end with worker_error are rerun. Prints what held; exits 1 otherwise.
 */
import { execFile, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { NodeView, PipelineDetail, PipelineSummary } from "../shared/api/pipeline-views";
import type { DeliveryView, RepositoryWithSecret } from "../shared/api/repositories";
import { startServer, type BatonServer } from "../test/fixtures/baton-server";
import { DockerRelay } from "../test/fixtures/docker-relay";
import { git, makeRepo, tempDir } from "../test/fixtures/temp-git-repo";
import { example, repoint, sign } from "../test/fixtures/webhook-deliveries";

const COMMITS = 200;
const SEND_CONCURRENCY = 16;
const MAX_PARALLEL = 4;
/** A safety stop: on 2 busy cores the run takes 6–8 minutes. */
const HARD_CAP_MS = 12 * 60_000;
const CRASH_AT_MS = [6_000, 30_000, 60_000];
/** Reruns of one pipeline that ended worker_error (a later fault may hit a rerun too). */
const MAX_RERUNS = 3;
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
/** Deliveries the server said it processed again on start, per restart. */
const resumedOnStart: number[] = [];

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
  const resumed = Number(/processing (\d+) accepted deliver/.exec(server.output())?.[1] ?? 0);
  resumedOnStart.push(resumed);
  log(`server back at ${server.url}; it processes ${resumed} accepted deliveries it had not finished`);
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

/** Sends one delivery until the server answers; true when it holds it (202, or 200 for a retry of one it had stored already). */
async function sendDelivery(secret: string, bare: string, commit: { branch: string; sha: string }): Promise<boolean> {
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
      const answer = (await response.json()) as { result?: string; reason?: string };
      if (response.status === 202) return true;
      // Killed after storing it but before answering: the retry is a duplicate, and the stored one is processed on start.
      if (response.status === 200 && answer.result === "ignored" && /was received before/.test(answer.reason ?? "")) return true;
      log(`delivery for ${commit.branch} refused: ${response.status} ${JSON.stringify(answer)}`);
      return false;
    } catch {
      await sleep(200); // Killed mid-request: GitHub would retry the same delivery id; so do we.
    }
  }
}

function flatten(node: NodeView): NodeView[] {
  return [node, ...node.children.flatMap(flatten)];
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
      for (let c = queue.shift(); c; c = queue.shift()) if (await sendDelivery(created.body.webhookSecret, bare, c)) accepted++;
    }),
  );
  log(`${commits.length} deliveries sent, ${accepted} accepted`);

  const shas = new Set(commits.map((c) => c.sha));
  const reruns = new Map<string, number>();
  let workerErrorNodes = 0;
  /** Why nodes ended worker_error: the engine cut, or a restart that could not follow their attempt (killed while it started). */
  const workerErrorReasons = new Map<string, number>();
  let final: PipelineSummary[] = [];
  for (;;) {
    await faults.then(() => undefined);
    const list = (await allPipelines()).filter((p) => p.sha && shas.has(p.sha));
    for (const p of list) {
      const n = reruns.get(p.id) ?? 0;
      if (p.endedAt !== null && p.state === "worker_error" && n < MAX_RERUNS) {
        reruns.set(p.id, n + 1);
        workerErrorNodes += p.counts.worker_error ?? 0;
        const detail = await api<PipelineDetail>("GET", `/api/pipelines/${p.id}`);
        for (const node of flatten(detail.body.root)) {
          if (node.type !== "exec" || node.state !== "worker_error") continue;
          const reason = /server restarted/.test(node.attempts.at(-1)?.message ?? "") ? "restart, not followed" : "engine cut";
          workerErrorReasons.set(reason, (workerErrorReasons.get(reason) ?? 0) + 1);
        }
        const answer = await api("POST", `/api/pipelines/${p.id}/actions`, { action: "rerunFailed" });
        log(`pipeline ${p.id} ended worker_error (${p.counts.worker_error} nodes): rerunFailed → ${answer.status}`);
      }
    }
    const covered = new Set(list.map((p) => p.sha));
    const settled = list.filter((p) => p.endedAt !== null && (p.state !== "worker_error" || (reruns.get(p.id) ?? 0) >= MAX_RERUNS));
    if (covered.size === shas.size && settled.length === list.length) {
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
  const ours = (await api<{ deliveries: DeliveryView[] }>("GET", `/api/deliveries?limit=500`)).body.deliveries.filter((d) => d.repository === NAME);
  const byResult = (result: string) => ours.filter((d) => d.result === result).length;

  // Nothing of this instance left once every pipeline ended: no node container while the server
  // runs (give the executor a moment to remove them), and after a graceful stop nothing at all —
  // the live server's idle warm generate container is removed by its stop, and those of the
  // killed servers by the start-up cleanup of the next one.
  const listOurs = (...filters: string[]) =>
    execFileSync("docker", ["ps", "-aq", "--filter", `label=baton.instance=${INSTANCE}`, ...filters.flatMap((f) => ["--filter", f])], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
  let nodeContainers: string[] = [];
  for (let i = 0; i < 20; i++) {
    const warm = new Set(listOurs("label=baton.kind=warm"));
    nodeContainers = listOurs().filter((id) => !warm.has(id));
    if (nodeContainers.length === 0) break;
    await sleep(500);
  }
  const warmWhileUp = listOurs("label=baton.kind=warm").length;
  await server.stop();
  const orphans = [...new Set([...nodeContainers, ...listOurs()])];
  sampling = false;
  await sampler;
  // Every pipeline ended done, so none keeps its repository snapshot image (a failed one would, for a rerun).
  const images = execFileSync("docker", ["images", "-q", "--filter", `label=baton.instance=${INSTANCE}`], { encoding: "utf8" }).split("\n").filter(Boolean);

  const perSha = new Map<string, number>();
  for (const p of final) perSha.set(p.sha!, (perSha.get(p.sha!) ?? 0) + 1);
  const duplicates = [...perSha.values()].filter((n) => n > 1).length;
  const lost = [...shas].filter((s) => !perSha.has(s)).length;
  const done = final.filter((p) => p.state === "done").length;
  const rerunDone = final.filter((p) => reruns.has(p.id) && p.state === "done").length;
  const counts = {
    "deliveries sent": commits.length,
    "deliveries accepted (202, or stored before a kill)": accepted,
    "deliveries processed again on restart": resumedOnStart.join(" + ") || "0",
    "deliveries launched / still accepted / error": `${byResult("launched")} / ${byResult("accepted")} / ${byResult("error")}`,
    "pipelines launched": final.length,
    "pipelines finished done": done,
    "pipelines ended error (not worker_error)": final.filter((p) => p.state === "error").length,
    "duplicates (two pipelines for one commit)": duplicates,
    "lost (a commit with no pipeline)": lost,
    "orphan containers with Baton's labels": orphans.length,
    "idle warm containers while up (removed on stop)": warmWhileUp,
    "snapshot images left": new Set(images).size,
    "max concurrent nodes": maxConcurrent,
    "pipelines ended worker_error (rerun)": reruns.size,
    "worker_error nodes seen": `${workerErrorNodes} (${[...workerErrorReasons].map(([why, n]) => `${why}: ${n}`).join(", ")})`,
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
  if (images.length !== 0) broken.push(`${new Set(images).size} snapshot images of done pipelines left`);
  for (const p of final.filter((p) => p.state !== "done")) broken.push(`pipeline ${p.id} (${p.branch}) ${p.state}${p.endedAt === null ? ", not ended" : ""}: ${JSON.stringify(p.counts)}`);
  if (maxConcurrent > MAX_PARALLEL) broken.push(`max concurrent nodes ${maxConcurrent} > ${MAX_PARALLEL}`);
  if (byResult("launched") !== commits.length) broken.push(`${commits.length - byResult("launched")} deliveries did not end launched`);
  if (reruns.size === 0) broken.push("the outage produced no worker_error node to rerun");
  if (rerunDone !== reruns.size) broken.push(`${reruns.size - rerunDone} reruns did not end done`);
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
