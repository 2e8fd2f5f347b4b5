import { afterEach, describe, expect, it, vi } from "vitest";
import { parseCronSchedule } from "../../cfg";
import { CronScheduler, type CronHost } from "./cron-scheduler";

afterEach(() => {
  vi.useRealTimers();
});

function host(schedule: string): CronHost & { launched: string[] } {
  const launched: string[] = [];
  return {
    launched,
    cronRepositories: () => [{ id: 1, name: "acme/app" }],
    cronSections: async () => [{ name: "cron tick", schedule: parseCronSchedule(schedule) }],
    launchCron: async (_id, section, at) => {
      launched.push(`${section}@${at.toISOString()}`);
    },
  };
}

describe("CronScheduler", () => {
  it("wakes at each minute boundary and launches what is due then", async () => {
    vi.useFakeTimers({ now: new Date("2030-05-06T12:03:50Z") });
    const h = host("*/2 * * * *");
    const scheduler = new CronScheduler(h);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10_100);
    expect(h.launched).toEqual(["cron tick@2030-05-06T12:04:00.000Z"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.launched).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.launched).toEqual(["cron tick@2030-05-06T12:04:00.000Z", "cron tick@2030-05-06T12:06:00.000Z"]);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(h.launched).toHaveLength(2);
  });

  it("runs a section once per minute however often the minute is checked", async () => {
    const h = host("* * * * *");
    const scheduler = new CronScheduler(h);
    await scheduler.runDue(new Date("2030-05-06T12:04:01Z"));
    await scheduler.runDue(new Date("2030-05-06T12:04:59Z"));
    await scheduler.runDue(new Date("2030-05-06T12:05:00Z"));
    expect(h.launched).toEqual(["cron tick@2030-05-06T12:04:00.000Z", "cron tick@2030-05-06T12:05:00.000Z"]);
  });
});
