import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, NodeDeltaBatch, ServerToClientEvents } from "../shared/api/socket-events";
import { PROJECT_ROOT, startServer, type BatonServer } from "../test/fixtures/baton-server";
import { wide } from "../test/fixtures/wide-pipeline";

export interface UiBenchResult {
  /** Navigation to a 2,041-node pipeline page until a node deep in the graph is clicked and its panel shows. */
  interactiveMs: number;
  graphNodesInDom: number;
  /** The longest main-thread task (PerformanceObserver "longtask") while the changes arrived. */
  longestTaskMs: number;
  longTasks: number;
  /** Node changes the server sent, and the most of them inside any 5 s window. */
  changes: number;
  busiestFiveSeconds: number;
}

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

async function launch(server: BatonServer, pipeline: unknown): Promise<string> {
  const response = await server.api<{ pipelines: { id: string }[] }>("POST", "/api/pipelines", { kind: "pipeline", pipeline });
  if (response.status !== 201) throw new Error(`launch failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.pipelines[0]!.id;
}

async function signIn(page: Page, server: BatonServer): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(server.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByTestId("pipelines-page").waitFor({ state: "visible", timeout: 15_000 });
}

async function waitForPipeline(server: BatonServer, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await server.api<{ endedAt: number | null; state: string }>("GET", `/api/pipelines/${id}`);
    if (body.endedAt !== null) {
      if (body.state !== "done") throw new Error(`pipeline ${id} ended ${body.state}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`pipeline ${id} did not end in ${timeoutMs} ms`);
}

/** The two UI cases of issue 7 in Debian's headless Chromium against the real server and built SPA. */
export async function benchUi(): Promise<UiBenchResult> {
  if (!fs.existsSync(path.join(PROJECT_ROOT, "dist", "client", "index.html"))) {
    execFileSync("npx", ["vite", "build", "--logLevel", "warn"], { cwd: PROJECT_ROOT, stdio: "inherit" });
  }
  const server = await startServer({ env: { BATON_MAX_PARALLEL: "16" } });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, server);

    // 40 Serials of 50 skipped Execs: 2,041 nodes that stay put while the page loads.
    const large = await launch(server, wide(40, 50, "true", { skip: true }));
    const fresh = await context.newPage();
    await fresh.goto(`${server.url}/pipelines/${large}`);
    const target = fresh.locator('[data-testid="graph-node"][data-path="/group-39/test-49"]');
    await target.waitFor({ state: "visible", timeout: 15_000 });
    await target.click();
    await fresh.getByTestId("node-panel-path").filter({ hasText: "/group-39/test-49" }).waitFor({ timeout: 15_000 });
    const interactiveMs = await fresh.evaluate(() => performance.now());
    const graphNodesInDom = await fresh.getByTestId("graph-node").count();
    await fresh.close();

    // 2,500 `true` in 25 Serials run, then the whole Parallel is rerun: its 2,500 nodes reset at
    // once and run again — together far beyond 5,000 node changes in 5 s.
    const busy = await launch(server, { type: "serial", name: "root", children: [{ type: "exec", name: "gate", command: "sleep 2" }, wide(25, 100, "true")] });
    await page.goto(`${server.url}/pipelines/${busy}`);
    await page.getByTestId("pipeline-graph").waitFor({ state: "visible", timeout: 15_000 });
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: "longtask", buffered: false });
    });
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { auth: { token: server.token }, transports: ["websocket"] });
    const arrivals: { at: number; changes: number }[] = [];
    socket.on("pipeline:nodes", (batch: NodeDeltaBatch) => arrivals.push({ at: Date.now(), changes: batch.changes.length }));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    socket.emit("pipeline:subscribe", busy);
    await waitForPipeline(server, busy, 180_000);
    const rerun = await server.api("POST", `/api/pipelines/${busy}/actions`, { action: "rerun", path: "/suite" });
    if (rerun.status !== 200) throw new Error(`rerun answered ${rerun.status}: ${JSON.stringify(rerun.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await waitForPipeline(server, busy, 180_000);
    await page.locator('[data-testid="graph-node"][data-path="/suite/group-24/test-99"][data-state="done"]').waitFor({ timeout: 30_000 });
    socket.close();
    let busiest = 0;
    for (let i = 0, j = 0, inWindow = 0; j < arrivals.length; j++) {
      inWindow += arrivals[j]!.changes;
      while (arrivals[j]!.at - arrivals[i]!.at > 5000) inWindow -= arrivals[i++]!.changes;
      busiest = Math.max(busiest, inWindow);
    }
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    return {
      interactiveMs,
      graphNodesInDom,
      longestTaskMs: Math.max(0, ...longTasks),
      longTasks: longTasks.length,
      changes: arrivals.reduce((sum, a) => sum + a.changes, 0),
      busiestFiveSeconds: busiest,
    };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchUi().then(
    (r) => console.log(JSON.stringify(r)),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
