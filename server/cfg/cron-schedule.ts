import { CfgError } from "./cfg-error";

/**
 * A `[cron]` section's `schedule`: five fields (minute hour day-of-month month day-of-week)
 * as in crontab(5) — `*`, numbers, `a-b` ranges, `/step`, `,` lists, month and weekday names
 * (`JAN`, `MON`; 7 is Sunday too) — or one of `@yearly @annually @monthly @weekly @daily
 * @midnight @hourly`. Times are UTC.
 */
export interface CronSchedule {
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0 = Sunday … 6 = Saturday. */
  daysOfWeek: number[];
  /** As in crontab(5): when both day fields are restricted, a day matching either one runs. */
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { label: "minute", min: 0, max: 59 },
  { label: "hour", min: 0, max: 23 },
  { label: "day of month", min: 1, max: 31 },
  { label: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { label: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/** Parses a schedule; throws CfgError naming the field that is wrong. */
export function parseCronSchedule(text: string): CronSchedule {
  const trimmed = String(text).trim();
  const expanded = trimmed.startsWith("@") ? MACROS[trimmed.toLowerCase()] : trimmed;
  if (expanded === undefined) {
    throw new CfgError(`unknown schedule ${JSON.stringify(trimmed)}; macros are ${Object.keys(MACROS).join(" ")}`);
  }
  const fields = expanded.split(/[ \t\r\n]+/).filter((field) => field.length > 0);
  if (fields.length !== 5) {
    throw new CfgError(`a schedule has 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = fields.map((field, index) => parseField(field, FIELDS[index] as FieldSpec)) as [
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek: [...new Set(daysOfWeek.map((day) => day % 7))].sort((a, b) => a - b),
    dayOfMonthRestricted: !(fields[2] as string).startsWith("*"),
    dayOfWeekRestricted: !(fields[4] as string).startsWith("*"),
  };
}

function parseField(field: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const item of field.split(",")) {
    const problem = (why: string): CfgError => new CfgError(`the ${spec.label} field ${JSON.stringify(field)}: ${why}`);
    const [range, stepText, extra] = item.split("/");
    if (range === undefined || range.length === 0 || extra !== undefined) throw problem(`${JSON.stringify(item)} is not a value, range or step`);
    let step = 1;
    if (stepText !== undefined) {
      step = parseNumber(stepText, null);
      if (Number.isNaN(step) || step < 1) throw problem(`the step ${JSON.stringify(stepText)} is not a positive number`);
    }
    let from: number;
    let to: number;
    if (range === "*") {
      from = spec.min;
      to = spec.max;
    } else {
      const dash = range.indexOf("-");
      const fromText = dash < 0 ? range : range.slice(0, dash);
      from = parseNumber(fromText, spec);
      to = dash < 0 ? (stepText !== undefined ? spec.max : from) : parseNumber(range.slice(dash + 1), spec);
      for (const value of [from, to]) {
        if (Number.isNaN(value) || value < spec.min || value > spec.max) {
          throw problem(`${JSON.stringify(item)} is outside ${spec.min}-${spec.max}`);
        }
      }
      if (from > to) throw problem(`the range ${JSON.stringify(range)} is reversed`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

/** A decimal number, or for months and weekdays a three-letter name; NaN otherwise. */
function parseNumber(text: string, spec: FieldSpec | null): number {
  if (text.length > 0 && text.length <= 4 && [...text].every((ch) => ch >= "0" && ch <= "9")) return Number(text);
  const index = spec?.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index < 0) return Number.NaN;
  return spec?.label === "month" ? index + 1 : index;
}
