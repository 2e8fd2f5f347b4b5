import { describe, expect, it } from "vitest";
import { parseCronSchedule } from "../../cfg";
import { cronMatches, minuteOf } from "./cron-match";

const at = (iso: string) => new Date(iso);

describe("cronMatches", () => {
  it("fires every fifth minute for */5 and not in between", () => {
    const schedule = parseCronSchedule("*/5 * * * *");
    expect(cronMatches(schedule, at("2025-03-04T12:05:00Z"))).toBe(true);
    expect(cronMatches(schedule, at("2025-03-04T12:05:59Z"))).toBe(true);
    expect(cronMatches(schedule, at("2025-03-04T12:06:00Z"))).toBe(false);
  });

  it("reads the time in UTC", () => {
    const schedule = parseCronSchedule("30 2 * * *");
    expect(cronMatches(schedule, at("2025-03-04T02:30:00Z"))).toBe(true);
    expect(cronMatches(schedule, at("2025-03-04T02:30:00+01:00"))).toBe(false);
  });

  it("runs on either day field when both are restricted, as crontab(5) does", () => {
    const schedule = parseCronSchedule("0 0 1 * MON");
    expect(cronMatches(schedule, at("2025-03-01T00:00:00Z"))).toBe(true); // the 1st, a Saturday
    expect(cronMatches(schedule, at("2025-03-03T00:00:00Z"))).toBe(true); // a Monday
    expect(cronMatches(schedule, at("2025-03-04T00:00:00Z"))).toBe(false);
  });

  it("honours a single restricted day field alone", () => {
    expect(cronMatches(parseCronSchedule("0 0 * * 0"), at("2025-03-02T00:00:00Z"))).toBe(true);
    expect(cronMatches(parseCronSchedule("0 0 * * 7"), at("2025-03-02T00:00:00Z"))).toBe(true);
    expect(cronMatches(parseCronSchedule("0 0 * * 0"), at("2025-03-03T00:00:00Z"))).toBe(false);
    expect(cronMatches(parseCronSchedule("@monthly"), at("2025-04-01T00:00:00Z"))).toBe(true);
    expect(cronMatches(parseCronSchedule("@monthly"), at("2025-04-02T00:00:00Z"))).toBe(false);
  });

  it("rounds a time down to its minute", () => {
    expect(minuteOf(at("2025-03-04T12:05:42.123Z"))).toBe(at("2025-03-04T12:05:00Z").getTime());
  });
});
