import { io } from "socket.io-client";
import type { ClientToServerEvents, NodeDeltaBatch, ServerToClientEvents } from "../../shared/api/socket-events";
import type { Socket } from "socket.io-client";
import { expect, test } from "./fixtures";
import { wide } from "../fixtures/wide-pipeline";

test("a 2,000-node pipeline page is interactive in under 3 s", async ({ pipelinePage: p }) => {
  // 40 Serials of 50 skipped Execs: 2,041 nodes that stay put while the page loads.
  const id = await p.launch({ kind: "pipeline", pipeline: wide(40, 50, "true", { skip: true }) });
  await p.page.goto(`${p.server.url}/pipelines/${id}`);
  const target = p.node("/group-39/test-49");
  await target.waitFor({ state: "visible", timeout: 10_000 });
  await target.click();
  await expect(p.page.getByTestId("node-panel-path")).toHaveText("/group-39/test-49");
  const interactiveMs = await p.page.evaluate(() => performance.now());
  const nodes = await p.page.getByTestId("graph-node").count();
  console.log(`2,041-node pipeline: graph drawn and a node selected ${interactiveMs.toFixed(0)} ms after navigation (${nodes} graph nodes in the DOM)`);
  expect(interactiveMs).toBeLessThan(3000);
});

test("thousands of state changes reach the page with no main-thread task over 200 ms", async ({ pipelinePage: p }) => {
  const pipeline = { type: "serial", name: "root", children: [{ type: "exec", name: "gate", command: "sleep 4" }, wide(25, 100, "true")] };
  const id = await p.launch({ kind: "pipeline", pipeline });
  await p.open(id);
  await p.page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: "longtask", buffered: false });
  });
  // Count what the server sends, as the page receives it.
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(p.server.url, { auth: { token: p.server.token }, transports: ["websocket"] });
  const arrivals: { at: number; changes: number }[] = [];
  socket.on("pipeline:nodes", (batch: NodeDeltaBatch) => arrivals.push({ at: Date.now(), changes: batch.changes.length }));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.emit("pipeline:subscribe", id);

  await p.expectState("/suite", "done", 120_000);
  await p.expectState("/", "done");
  socket.close();
  const total = arrivals.reduce((sum, a) => sum + a.changes, 0);
  // The busiest 5 s window of changes.
  let best = 0;
  for (let i = 0, j = 0, inWindow = 0; j < arrivals.length; j++) {
    inWindow += arrivals[j]!.changes;
    while (arrivals[j]!.at - arrivals[i]!.at > 5000) inWindow -= arrivals[i++]!.changes;
    best = Math.max(best, inWindow);
  }
  const longTasks = await p.page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  const longest = Math.max(0, ...longTasks);
  console.log(`${total} node changes in ${arrivals.length} batches; busiest 5 s: ${best} changes; long tasks: ${longTasks.length}, longest ${longest.toFixed(0)} ms`);
  expect(total).toBeGreaterThan(5000);
  expect(longest).toBeLessThan(200);
  await expect(p.node("/suite/group-24/test-99")).toHaveAttribute("data-state", "done");
});
