import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { createHttpApp } from "../server/api/http-app";
import { loadConfig } from "../server/config";
import { createBaton } from "../server/create-baton";
import { git } from "../test/fixtures/temp-git-repo";

export interface WebhookBenchResult {
  /** Deliveries answered 202 (signed, accepted, queued) per second. */
  acceptedPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  accepted: number;
  /** Answers other than 202, and connection errors: should be none. */
  other: number;
  errors: number;
  durationS: number;
  connections: number;
  /** After the load stopped: how long until every accepted delivery had been processed. */
  drainMs: number;
  /** Pipelines launched: the filter launches nothing, so 0. */
  pipelines: number;
  /** The targets of issue 5. */
  target: { perSecond: number; p99Ms: number; met: boolean };
}

export interface WebhookBenchOptions {
  durationS?: number;
  warmupS?: number;
  connections?: number;
}

/**
 * Signed push deliveries at full speed (autocannon, in a worker thread) against an in-process
 * server, for a repository whose cfg filter launches nothing: the cost of receiving, checking
 * and logging a delivery, and processing it in the background. Each request carries its own
 * X-GitHub-Delivery id (autocannon's `[<id>]`), so none is a duplicate; the body is GitHub's
 * push example from @octokit/webhooks-examples, signed once.
 */
export async function benchWebhooks(options: WebhookBenchOptions = {}): Promise<WebhookBenchResult> {
  const durationS = options.durationS ?? 10;
  const connections = options.connections ?? 16;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-webhooks-"));
  const work = path.join(root, "work");
  const bare = path.join(root, "origin.git");
  fs.mkdirSync(work);
  git(work, "init", "--quiet", "--initial-branch=main");
  fs.writeFileSync(path.join(work, ".conducto.cfg"), "[push]\nfilter = {branch} == release-*\ncommand = echo never\n");
  git(work, "add", "--all");
  git(work, "commit", "--quiet", "-m", "cfg");
  git(root, "clone", "--quiet", "--bare", work, bare);
  const head = git(bare, "rev-parse", "main");

  const config = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME, BATON_DATA: path.join(root, "data"), BATON_EXECUTOR: "local", BATON_ADMIN_TOKEN: "bench-admin-token-0123456789" });
  const baton = await createBaton(config);
  const app = createHttpApp(baton);
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/webhooks/github`;
  try {
    const { webhookSecret } = baton.integrations.createRepository({
      name: "bench/hello-world",
      cloneUrl: bare,
      defaultBranch: "main",
      events: ["push"],
      apiBaseUrl: "https://api.github.com",
    });
    const require = createRequire(import.meta.url);
    const examples = JSON.parse(fs.readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8")) as { name: string; examples: Record<string, unknown>[] }[];
    const push = structuredClone(examples.find((d) => d.name === "push")!.examples.find((e) => e.ref === "refs/heads/master")!) as Record<string, unknown> & {
      repository: Record<string, unknown>;
    };
    Object.assign(push, { ref: "refs/heads/main", after: head });
    Object.assign(push.repository, { full_name: "bench/hello-world", name: "hello-world", clone_url: bare });
    const body = JSON.stringify(push);
    const headers = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/bench",
      "x-github-event": "push",
      "x-github-delivery": "bench-[<id>]",
      "x-hub-signature-256": `sha256=${crypto.createHmac("sha256", webhookSecret).update(body).digest("hex")}`,
    };
    const fire = (duration: number) =>
      autocannon({ url, method: "POST", headers, body, duration, connections, idReplacement: true, workers: 1 }) as unknown as Promise<autocannon.Result>;

    if ((options.warmupS ?? 2) > 0) {
      await fire(options.warmupS ?? 2);
      await baton.integrations.idle();
    }
    const result = await fire(durationS);
    const drainStarted = performance.now();
    await baton.integrations.idle();
    const drainMs = performance.now() - drainStarted;

    const codes = (result as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats;
    const accepted = codes["202"]?.count ?? 0;
    const other = Object.entries(codes).reduce((sum, [code, stat]) => sum + (code === "202" ? 0 : stat.count), 0);
    const acceptedPerSecond = accepted / durationS;
    const p99Ms = result.latency.p99;
    return {
      acceptedPerSecond,
      p99Ms,
      p50Ms: result.latency.p50,
      accepted,
      other,
      errors: result.errors + result.timeouts,
      durationS,
      connections,
      drainMs,
      pipelines: baton.engine.list({ limit: 500 }).length,
      target: { perSecond: 1500, p99Ms: 50, met: acceptedPerSecond >= 1500 && p99Ms < 50 && other === 0 },
    };
  } finally {
    app.server.closeAllConnections();
    await new Promise((resolve) => app.server.close(resolve));
    await baton.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick");
  benchWebhooks({ durationS: quick ? 5 : 10 }).then(
    (result) => {
      console.log(`signed push deliveries, filter launches nothing, ${result.connections} connections, ${result.durationS}s:`);
      console.log(`  accepted ${result.acceptedPerSecond.toFixed(0)}/s (target ≥ ${result.target.perSecond}), p99 ${result.p99Ms} ms (target < ${result.target.p99Ms}), p50 ${result.p50Ms} ms`);
      console.log(`  other answers ${result.other}, errors ${result.errors}, pipelines ${result.pipelines}, backlog drained in ${result.drainMs.toFixed(0)} ms → ${result.target.met ? "met" : "MISSED"}`);
    },
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
