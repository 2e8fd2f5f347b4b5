import { describe, expect, it } from "vitest";
import { CfgError } from "./cfg-error";
import { parseCronSchedule } from "./cron-schedule";

const range = (from: number, to: number, step = 1): number[] => {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
};

describe("parseCronSchedule", () => {
  it("expands five fields into the values they allow", () => {
    expect(parseCronSchedule("30 3 * * 1-5")).toEqual({
      minutes: [30],
      hours: [3],
      daysOfMonth: range(1, 31),
      months: range(1, 12),
      daysOfWeek: [1, 2, 3, 4, 5],
      dayOfMonthRestricted: false,
      dayOfWeekRestricted: true,
    });
  });

  it("understands steps, lists and ranges with steps", () => {
    const schedule = parseCronSchedule("*/15 0,12 1-10/3 */6 *");
    expect(schedule.minutes).toEqual([0, 15, 30, 45]);
    expect(schedule.hours).toEqual([0, 12]);
    expect(schedule.daysOfMonth).toEqual([1, 4, 7, 10]);
    expect(schedule.months).toEqual([1, 7]);
  });

  it("reads a value with a step as a range to the field's end", () => {
    expect(parseCronSchedule("50/5 * * * *").minutes).toEqual([50, 55]);
  });

  it("accepts month and weekday names in any case, and 7 as Sunday", () => {
    const schedule = parseCronSchedule("0 0 * jan,Dec SUN,7,sat");
    expect(schedule.months).toEqual([1, 12]);
    expect(schedule.daysOfWeek).toEqual([0, 6]);
  });

  it("expands the @ macros", () => {
    expect(parseCronSchedule("@daily")).toMatchObject({ minutes: [0], hours: [0] });
    expect(parseCronSchedule("@hourly").hours).toEqual(range(0, 23));
    expect(parseCronSchedule("@weekly").daysOfWeek).toEqual([0]);
    expect(parseCronSchedule("@YEARLY").months).toEqual([1]);
  });

  it("accepts extra whitespace between fields", () => {
    expect(parseCronSchedule("  0\t3  *  * *  ").hours).toEqual([3]);
  });

  it.each([
    ["* * * *", /5 fields/],
    ["* * * * * *", /5 fields/],
    ["60 * * * *", /minute field "60": "60" is outside 0-59/],
    ["* 24 * * *", /hour field/],
    ["* * 0 * *", /day of month field/],
    ["* * * 13 *", /month field/],
    ["* * * * 8", /day of week field/],
    ["5-1 * * * *", /reversed/],
    ["*/0 * * * *", /step/],
    ["a * * * *", /minute field/],
    [", * * * *", /minute field/],
    ["1/2/3 * * * *", /minute field/],
    ["* * ? * *", /day of month field/],
    ["@sometimes", /unknown schedule/],
  ])("rejects %j", (schedule, message) => {
    expect(() => parseCronSchedule(schedule)).toThrow(CfgError);
    expect(() => parseCronSchedule(schedule)).toThrow(message);
  });
});
