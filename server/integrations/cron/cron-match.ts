import type { CronSchedule } from "../../cfg";

/** Whether a schedule fires in the minute `at` falls in (UTC, as crontab(5) reads the fields). */
export function cronMatches(schedule: CronSchedule, at: Date): boolean {
  if (!schedule.minutes.includes(at.getUTCMinutes())) return false;
  if (!schedule.hours.includes(at.getUTCHours())) return false;
  if (!schedule.months.includes(at.getUTCMonth() + 1)) return false;
  const dayOfMonth = schedule.daysOfMonth.includes(at.getUTCDate());
  const dayOfWeek = schedule.daysOfWeek.includes(at.getUTCDay());
  // crontab(5): with both day fields restricted, either one matching is enough.
  if (schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted) return dayOfMonth || dayOfWeek;
  if (schedule.dayOfMonthRestricted) return dayOfMonth;
  if (schedule.dayOfWeekRestricted) return dayOfWeek;
  return true;
}

/** The start of the minute `at` falls in, in ms. */
export function minuteOf(at: Date | number): number {
  const ms = typeof at === "number" ? at : at.getTime();
  return ms - (((ms % 60_000) + 60_000) % 60_000);
}
