import { CfgError, CfgValueError, DEFAULT_CFG_FILE_NAME } from "./cfg-error";
import { CfgEvent, DEFAULT_DUPLICATE_POLICY, DuplicatePolicy, isCfgEvent } from "./cfg-types";
import type { CfgFile, CfgSection } from "./cfg-types";
import { parseCronSchedule } from "./cron-schedule";
import { parseFilter } from "./filter-expression";
import { checkCommandTemplate } from "./substitute";

export { CfgEvent, CfgFile, CfgSection, DuplicatePolicy } from "./cfg-types";

/**
 * Parses `.conducto.cfg` (DESIGN §2), INI as Python's configparser reads it, with these rules:
 *
 * - `[event]` or `[event label]` headers; events are lower-case, labels are letters, digits,
 *   `.`, `_` and `-`. A section is named `event` or `event label`, and names are unique.
 * - `key = value` lines; keys (`command filter image duplicate schedule`) ignore case.
 * - A line indented more than its key continues the value, joined with a newline, its common
 *   indentation removed and the rest kept: multi-line shell commands work, `;;` and `#` lines
 *   in them included. Blank lines inside a value are kept, trailing ones dropped.
 * - Other lines whose first character is `#` or `;` are comments; blank lines are ignored.
 *
 * Commands, filters and schedules are checked here, so a broken cfg fails before any launch.
 * Every problem is a CfgError carrying the line (and for a filter or command, the column);
 * nothing else is thrown.
 */
export function parseCfg(text: string, fileName: string = DEFAULT_CFG_FILE_NAME): CfgFile {
  try {
    return new CfgParser(fileName).parse(text);
  } catch (error) {
    if (error instanceof CfgError) throw error;
    throw new CfgError(`internal error while reading the file: ${error instanceof Error ? error.message : String(error)}`, null, fileName);
  }
}

export const MAX_CFG_BYTES = 1024 * 1024;

const KEYS = ["command", "filter", "image", "duplicate", "schedule"] as const;
type Key = (typeof KEYS)[number];

const MAX_LABEL_LENGTH = 64;

/** One line's share of a value, where it starts in the file. */
interface Segment {
  line: number;
  /** 1-based column of the segment's first character. */
  column: number;
  text: string;
}

interface Value {
  text: string;
  /** The key's line. */
  line: number;
  /** The value's lines; `text` is their texts joined with "\n". */
  segments: Segment[];
}

interface OpenValue {
  key: Key;
  line: number;
  indent: number;
  segments: Segment[];
}

interface SectionDraft {
  name: string;
  event: CfgEvent;
  label: string | null;
  line: number;
  values: Map<Key, Value>;
}

class CfgParser {
  private readonly sections: CfgSection[] = [];
  private readonly headerLines = new Map<string, number>();
  private section: SectionDraft | null = null;
  private open: OpenValue | null = null;

  constructor(private readonly fileName: string) {}

  parse(input: unknown): CfgFile {
    if (typeof input !== "string") throw this.error("the file is not text", null);
    if (input.length > MAX_CFG_BYTES || Buffer.byteLength(input, "utf8") > MAX_CFG_BYTES) {
      throw this.error(`the file is larger than ${MAX_CFG_BYTES / 1024 / 1024} MiB`, null);
    }
    const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
    const lines = splitLines(text);
    const nulLine = lines.findIndex((line) => line.includes("\0"));
    if (nulLine >= 0) throw this.error("the file contains a NUL byte", nulLine + 1);
    lines.forEach((line, index) => this.readLine(line, index + 1));
    this.closeValue();
    this.finishSection();
    return { sections: this.sections };
  }

  private readLine(line: string, lineNo: number): void {
    const indent = leadingBlanks(line);
    const content = line.slice(indent).trimEnd();
    const open = this.open;
    if (content.length === 0) {
      if (open !== null) open.segments.push({ line: lineNo, column: 1, text: "" });
      return;
    }
    if (open !== null && indent > open.indent) {
      open.segments.push({ line: lineNo, column: 1, text: line.trimEnd() });
      return;
    }
    if (content.startsWith("#") || content.startsWith(";")) return;
    this.closeValue();
    if (content.startsWith("[")) this.readHeader(content, lineNo);
    else this.readKey(content, indent, lineNo);
  }

  private readHeader(content: string, lineNo: number): void {
    this.finishSection();
    if (!content.endsWith("]")) {
      throw this.error(`a section header is [event] or [event label] and ends with ']', found ${preview(content)}`, lineNo);
    }
    const parts = content
      .slice(1, -1)
      .split(/[ \t]+/)
      .filter((part) => part.length > 0);
    const [event, label, ...rest] = parts;
    if (event === undefined) throw this.error("the section header [] names no event", lineNo);
    if (rest.length > 0) throw this.error(`a section header is [event] or [event label], found ${preview(content)}`, lineNo);
    if (!isCfgEvent(event)) {
      throw this.error(`unknown event ${preview(event)}; events are ${CfgEvent.options.join(", ")}`, lineNo);
    }
    if (label !== undefined && !isLabel(label)) {
      throw this.error(
        `the label ${preview(label)} must be up to ${MAX_LABEL_LENGTH} letters, digits, '.', '_' or '-', starting with a letter or digit`,
        lineNo,
      );
    }
    const name = label === undefined ? event : `${event} ${label}`;
    const first = this.headerLines.get(name);
    if (first !== undefined) throw this.error(`duplicate section [${name}]; the first is on line ${first}`, lineNo);
    this.headerLines.set(name, lineNo);
    this.section = { name, event, label: label ?? null, line: lineNo, values: new Map() };
  }

  private readKey(content: string, indent: number, lineNo: number): void {
    const eq = content.indexOf("=");
    if (eq < 0) throw this.error(`expected 'key = value', a [section] header or a comment, found ${preview(content)}`, lineNo);
    const rawKey = content.slice(0, eq).trim();
    if (rawKey.length === 0) throw this.error("a key is missing before '='", lineNo);
    const section = this.section;
    if (section === null) {
      throw this.error(`${preview(rawKey)} is outside a section; start one with a header such as [push]`, lineNo);
    }
    const key = rawKey.toLowerCase();
    if (!isKey(key)) {
      throw this.error(`unknown key ${preview(rawKey)} in [${section.name}]; keys are ${KEYS.join(", ")}`, lineNo);
    }
    const earlier = section.values.get(key);
    if (earlier !== undefined) throw this.error(`${key} is set twice in [${section.name}]; the first is on line ${earlier.line}`, lineNo);
    let start = eq + 1;
    while (content[start] === " " || content[start] === "\t") start++;
    this.open = { key, line: lineNo, indent, segments: [{ line: lineNo, column: indent + start + 1, text: content.slice(start) }] };
  }

  /** Ends the value being read: drops blank edges, removes the continuation lines' common indent. */
  private closeValue(): void {
    const open = this.open;
    if (open === null || this.section === null) return;
    this.open = null;
    const [first, ...continuation] = open.segments as [Segment, ...Segment[]];
    while (continuation.length > 0 && (continuation[continuation.length - 1] as Segment).text === "") continuation.pop();
    const indent = commonIndent(continuation.filter((segment) => segment.text !== "").map((segment) => segment.text));
    const dedented = continuation.map((segment) =>
      segment.text === "" ? segment : { line: segment.line, column: indent.length + 1, text: segment.text.slice(indent.length) },
    );
    const segments = first.text === "" ? dedented : [first, ...dedented];
    while (segments.length > 0 && (segments[0] as Segment).text === "") segments.shift();
    const text = segments.map((segment) => segment.text).join("\n");
    this.section.values.set(open.key, { text, line: open.line, segments });
  }

  private finishSection(): void {
    const draft = this.section;
    if (draft === null) return;
    this.section = null;
    const where = `[${draft.name}]`;
    const nonEmpty = (key: Key): Value | null => {
      const value = draft.values.get(key);
      if (value === undefined) return null;
      if (value.text.length === 0) throw this.error(`${key} in ${where} is empty`, value.line);
      return value;
    };

    const command = nonEmpty("command");
    if (command === null) throw this.error(`${where} has no command`, draft.line);
    this.located(command, () => checkCommandTemplate(command.text));

    const filter = nonEmpty("filter");
    if (filter !== null) this.located(filter, () => parseFilter(filter.text));

    const image = nonEmpty("image");
    if (image !== null && /\s/.test(image.text)) {
      throw this.error(`image in ${where} is one image name such as node:20, found ${preview(image.text)}`, image.line);
    }

    const duplicateValue = nonEmpty("duplicate");
    let duplicate: DuplicatePolicy = DEFAULT_DUPLICATE_POLICY;
    if (duplicateValue !== null) {
      const parsed = DuplicatePolicy.safeParse(duplicateValue.text.toUpperCase());
      if (!parsed.success) {
        throw this.error(
          `duplicate in ${where} must be one of ${DuplicatePolicy.options.join(", ")}, found ${preview(duplicateValue.text)}`,
          duplicateValue.line,
        );
      }
      duplicate = parsed.data;
    }

    const schedule = nonEmpty("schedule");
    if (draft.event === "cron") {
      if (schedule === null) throw this.error(`${where} needs a schedule, such as schedule = 0 3 * * *`, draft.line);
      try {
        parseCronSchedule(schedule.text);
      } catch (error) {
        if (error instanceof CfgError) throw this.error(`schedule in ${where}: ${error.reason}`, schedule.line);
        throw error;
      }
    } else if (schedule !== null) {
      throw this.error(`schedule only applies to [cron] sections, not ${where}`, schedule.line);
    }

    this.sections.push({
      name: draft.name,
      event: draft.event,
      label: draft.label,
      line: draft.line,
      command: command.text,
      filter: filter?.text ?? null,
      image: image?.text ?? null,
      duplicate,
      schedule: schedule?.text ?? null,
    });
  }

  /** Runs a check of one value, moving a CfgValueError's position from the value to the file. */
  private located(value: Value, check: () => unknown): void {
    try {
      check();
    } catch (error) {
      if (!(error instanceof CfgValueError)) throw error;
      const at = fileOffset(value, error.offset);
      throw new CfgValueError(error.valueKind, error.problem, error.offset, at.column, at.line, this.fileName);
    }
  }

  private error(reason: string, line: number | null): CfgError {
    return new CfgError(reason, line, this.fileName);
  }
}

/** The file line and column of `offset` in a value. */
function fileOffset(value: Value, offset: number): { line: number; column: number } {
  let rest = offset;
  for (const segment of value.segments) {
    if (rest <= segment.text.length) return { line: segment.line, column: segment.column + rest };
    rest -= segment.text.length + 1;
  }
  const last = value.segments[value.segments.length - 1];
  return last === undefined ? { line: value.line, column: 1 } : { line: last.line, column: last.column + last.text.length };
}

/** Splits on `\r\n`, `\n` or a lone `\r`. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    lines.push(text.slice(start, i));
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function leadingBlanks(line: string): number {
  let i = 0;
  while (line[i] === " " || line[i] === "\t") i++;
  return i;
}

/** The longest run of spaces and tabs every line starts with. */
function commonIndent(lines: readonly string[]): string {
  const [first, ...rest] = lines;
  if (first === undefined) return "";
  let prefix = first.slice(0, leadingBlanks(first));
  for (const line of rest) {
    let i = 0;
    while (i < prefix.length && line[i] === prefix[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

function isKey(key: string): key is Key {
  return (KEYS as readonly string[]).includes(key);
}

function isLabel(label: string): boolean {
  if (label.length === 0 || label.length > MAX_LABEL_LENGTH) return false;
  for (let i = 0; i < label.length; i++) {
    const c = label[i] as string;
    const alnum = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9");
    if (!alnum && (i === 0 || (c !== "." && c !== "_" && c !== "-"))) return false;
  }
  return true;
}

/** Shows a piece of the file in a message, shortened so one hostile line cannot flood a log. */
function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
