import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { NodeView } from "../shared/api/pipeline-views";
import { installLatencyTrace, type LatencyTrace } from "./latency-trace";
import { git } from "../test/fixtures/temp-git-repo";

export interface LatencyResult {
  executor: "local" | "docker";
  /** Milliseconds from sending each signed delivery to the first Exec's first output line, sorted. */
  samples: number[];
  medianMs: number;
  p95Ms: number;
  /** The bare floor in the same run: `docker run --rm … echo` (docker) or `sh -c echo` (local), median. */
  floorMs: number;
}

const BUSYBOX = "baton-test/busybox:latest";

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function findExec(node: NodeView, name: string): NodeView | null {
  if (node.type === "exec" && node.name === name) return node;
  for (const child of node.children) {
    const found = findExec(child, name);
    if (found) return found;
  }
  return null;
}

/**
 * Push-to-first-command latency: for each of `deliveries` fresh commits, a signed push delivery
 * goes to an in-process server, which verifies it, fetches the commit into its mirror, runs the
 * `[push]` section's generate step (`cat pipeline.json`) and starts the one Exec. The end mark is
 * the timestamp Baton gives that Exec's first output line as it arrives: an upper bound on when
 * the command started. With Docker the image is present (no pull).
 */
export async function benchPushLatency(
  executor: "local" | "docker",
  deliveries = 20,
  options: { execWithRepo?: boolean; trace?: LatencyTrace } = {},
): Promise<LatencyResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-latency-"));
  const work = path.join(root, "work");
  const bare = path.join(root, "origin.git");
  fs.mkdirSync(work);
  git(work, "init", "--quiet", "--initial-branch=main");
  // execWithRepo: the Exec in the generate step's image with the repository, as most pipelines have it.
  const image = options.execWithRepo ? { image: "baton-test/node:20", copyRepo: true } : BUSYBOX;
  const exec = { type: "exec", name: "first", command: "echo started", ...(executor === "docker" ? { image } : {}) };
  fs.writeFileSync(path.join(work, "pipeline.json"), JSON.stringify(exec));
  // Real users' generate step runs in node:20; here the offline stand-in built by scripts/build-test-images.sh.
  fs.writeFileSync(path.join(work, ".conducto.cfg"), `[push]\ncommand = cat pipeline.json\n${executor === "docker" ? "image = baton-test/node:20\n" : ""}`);
  git(work, "add", "--all");
  git(work, "commit", "--quiet", "-m", "cfg");
  git(root, "clone", "--quiet", "--bare", work, bare);
  git(work, "remote", "add", "origin", bare);

  // Loaded here, not at the top, so that LATENCY_TRACE's wrappers are in place before the server's modules bind them.
  const { createHttpApp } = await import("../server/api/http-app");
  const { loadConfig } = await import("../server/config");
  const { createBaton } = await import("../server/create-baton");
  const config = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME, BATON_DATA: path.join(root, "data"), BATON_EXECUTOR: executor, BATON_ADMIN_TOKEN: "bench-admin-token-0123456789" });
  const baton = await createBaton(config);
  const app = createHttpApp(baton);
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/webhooks/github`;
  try {
    const { webhookSecret } = baton.integrations.createRepository({ name: "bench/latency", cloneUrl: bare, defaultBranch: "main", events: ["push"], apiBaseUrl: "https://api.github.com" });
    const require = createRequire(import.meta.url);
    const examples = JSON.parse(fs.readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8")) as { name: string; examples: Record<string, unknown>[] }[];
    const template = examples.find((d) => d.name === "push")!.examples.find((e) => e.ref === "refs/heads/master")!;

    const samples: number[] = [];
    // One warm-up delivery (mirror clone, snapshot image) that is not counted.
    for (let i = -1; i < deliveries; i++) {
      fs.writeFileSync(path.join(work, "change.txt"), `${i}\n`);
      git(work, "add", "change.txt");
      git(work, "commit", "--quiet", "-m", `change ${i}`);
      git(work, "push", "--quiet", "origin", "main");
      const sha = git(work, "rev-parse", "HEAD");
      const push = structuredClone(template) as Record<string, unknown> & { repository: Record<string, unknown> };
      Object.assign(push, { ref: "refs/heads/main", after: sha });
      Object.assign(push.repository, { full_name: "bench/latency", name: "latency", clone_url: bare });
      const body = JSON.stringify(push);
      options.trace?.begin();
      const sent = Date.now();
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": crypto.randomUUID(),
          "x-hub-signature-256": `sha256=${crypto.createHmac("sha256", webhookSecret).update(body).digest("hex")}`,
        },
        body,
      });
      const answer = (await response.json()) as { delivery?: number };
      if (response.status !== 202 || typeof answer.delivery !== "number") throw new Error(`delivery refused: ${response.status} ${JSON.stringify(answer)}`);
      await baton.integrations.idle();
      const launched = baton.integrations.deliveries.get(answer.delivery)?.pipelines ?? [];
      if (launched.length !== 1) throw new Error(`delivery ${answer.delivery} launched ${launched.length} pipelines: ${JSON.stringify(baton.integrations.deliveries.get(answer.delivery))}`);
      const detail = await baton.engine.whenIdle(launched[0]!.id);
      const node = findExec(detail.root, "first");
      if (!node || node.state !== "done") throw new Error(`the first Exec did not finish done: ${node?.state ?? "missing"}`);
      const first = baton.engine.readLog(detail.id, node.path, undefined, 0, 50).lines.find((line) => line.stream === "stdout");
      if (!first || first.text !== "started") throw new Error(`the first Exec printed ${JSON.stringify(first?.text)}`);
      if (i >= 0) samples.push(first.ts - sent);
      options.trace?.mark("the Exec's first output line (the end mark)", performance.now() - (Date.now() - first.ts));
    }
    samples.sort((a, b) => a - b);
    return { executor, samples, medianMs: quantile(samples, 0.5), p95Ms: quantile(samples, 0.95), floorMs: floor(executor, Math.min(deliveries, 10)) };
  } finally {
    app.server.closeAllConnections();
    await new Promise((resolve) => app.server.close(resolve));
    await baton.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The median wall time of the bare command the Exec runs, started `n` times one after another. */
function floor(executor: "local" | "docker", n: number): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    if (executor === "docker") execFileSync("docker", ["run", "--rm", BUSYBOX, "echo", "started"]);
    else execFileSync("/bin/sh", ["-c", "echo started"]);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return quantile(times, 0.5);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const executor = process.argv.includes("--docker") ? "docker" : "local";
  const trace = process.env.LATENCY_TRACE === "1" ? installLatencyTrace() : undefined;
  benchPushLatency(executor, 20, { execWithRepo: process.argv.includes("--with-repo"), ...(trace ? { trace } : {}) }).then(
    (r) => {
      if (trace) console.log(`the last delivery, ms after sending it:\n${trace.text()}`);
      console.log(`${r.executor}: median ${r.medianMs} ms, p95 ${r.p95Ms} ms, floor ${r.floorMs.toFixed(1)} ms; samples ${r.samples.join(" ")}`);
    },
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
