import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryView } from "../../shared/api/repositories";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { PIPELINE_OK, addRepository, bareRepo, finished, pipelines, type BareRepo } from "../fixtures/webhook-deliveries";

/**
 * `[cron …]` sections with a real server and a real repository. The scheduler's own timer
 * fires on minute boundaries; here its `runDue(minute)` is called with chosen minutes so the
 * test need not wait for the clock.
 */

const cleanup: string[] = [];
let server: InProcessServer;
let repo: BareRepo;
let repositoryId: number;

const CFG = `
[push]
command = cat pipeline.json

[cron nightly]
schedule = 30 2 * * *
command = echo nightly on {branch} >&2; cat pipeline.json

[cron often]
schedule = */15 * * * *
command = echo often >&2; cat pipeline.json
`;

beforeAll(async () => {
  server = await startInProcess();
  repo = bareRepo({ ".conducto.cfg": CFG, "pipeline.json": PIPELINE_OK }, cleanup);
  repositoryId = (await addRepository(server, { name: "acme/scheduled", cloneUrl: repo.bare })).id;
});

afterAll(async () => {
  await server.close();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

const cron = () => server.baton.integrations.cron;
const cronPipelines = async () => (await pipelines(server)).filter((p) => p.event === "cron");

describe("cron sections", () => {
  it("launches each section whose schedule matches the minute, on the default branch's head", async () => {
    const head = repo.commit({ "later.txt": "newer head\n" }, "main");
    const due = await cron().runDue(new Date("2030-01-01T02:30:10Z"));
    expect(due.map((d) => d.section).sort()).toEqual(["cron nightly", "cron often"]);
    await server.baton.integrations.idle();
    const launched = await cronPipelines();
    expect(launched.map((p) => p.section).sort()).toEqual(["cron nightly", "cron often"]);
    for (const pipeline of launched) {
      expect(pipeline).toMatchObject({ sha: head, branch: "main", event: "cron" });
      expect(pipeline.trigger).toMatch(/^cron:\[cron (nightly|often)\] at 2030-01-01T02:30Z$/);
      expect((await finished(server, pipeline.id)).state).toBe("done");
    }
  });

  it("launches nothing at a minute no schedule names, and a section at most once per minute", async () => {
    const before = (await cronPipelines()).length;
    expect(await cron().runDue(new Date("2030-01-01T02:31:00Z"))).toEqual([]);
    expect((await cron().runDue(new Date("2030-01-01T02:45:00Z"))).map((d) => d.section)).toEqual(["cron often"]);
    expect(await cron().runDue(new Date("2030-01-01T02:45:30Z"))).toEqual([]);
    await server.baton.integrations.idle();
    expect((await cronPipelines()).length).toBe(before + 1);
  });

  it("logs each cron launch in the deliveries, and launches nothing for a repository with cron disabled", async () => {
    const deliveries = await server.api<{ deliveries: DeliveryView[] }>("GET", `/api/deliveries?repository=${repositoryId}`);
    const cronDeliveries = deliveries.body.deliveries.filter((d) => d.source === "cron");
    expect(cronDeliveries).toHaveLength(3);
    for (const delivery of cronDeliveries) expect(delivery).toMatchObject({ event: "cron", result: "launched" });

    await server.api("PATCH", `/api/repositories/${repositoryId}`, { events: ["push"] });
    expect(await cron().runDue(new Date("2030-01-01T03:00:00Z"))).toEqual([]);
  });
});
