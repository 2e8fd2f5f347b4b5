import type { z } from "zod";
import { NodeName, PipelineDocument } from "./pipeline-schema";
import type { PipelineNode } from "./pipeline-schema";

/**
 * Validation of a generated pipeline as it arrives from a generate step (any language) or the
 * SDK. Every failure is one line naming the node by its path (`/Build/unit-tests: command: …`),
 * because the CLI prints it as the reason a Generate node failed.
 *
 * Untrusted input is bounded before zod sees it: zod recurses once per level, so a cheap
 * iterative walk first refuses trees that are too large or too deep.
 */

export interface PipelineLimits {
  /** Most nodes a pipeline may have, the root included. */
  maxNodes?: number;
  /** Deepest nesting; the root is level 1. */
  maxDepth?: number;
  /** Largest JSON text `parsePipelineJson` accepts, in UTF-8 bytes. */
  maxBytes?: number;
}

export const DEFAULT_PIPELINE_LIMITS = {
  maxNodes: 20_000,
  maxDepth: 64,
  maxBytes: 64 * 1024 * 1024,
} as const satisfies Required<PipelineLimits>;

export type PipelineValidation =
  | { ok: true; pipeline: PipelineNode; nodeCount: number }
  | { ok: false; error: string };

/** How many zod issues a message names before it says how many more there were. */
const MAX_ISSUES = 3;
/** Paths longer than this are shortened in messages (a 64-level path can be 12 KB). */
const MAX_PATH_CHARS = 200;

/** Validates a parsed pipeline document against the limits, the schema and sibling-name uniqueness. */
export function validatePipeline(input: unknown, limits: PipelineLimits = {}): PipelineValidation {
  const maxNodes = limits.maxNodes ?? DEFAULT_PIPELINE_LIMITS.maxNodes;
  const maxDepth = limits.maxDepth ?? DEFAULT_PIPELINE_LIMITS.maxDepth;

  const shape = checkShape(input, maxNodes, maxDepth);
  if (!shape.ok) return shape;

  let parsed;
  try {
    parsed = PipelineDocument.safeParse(input);
  } catch (error) {
    // zod recurses per level: with a raised maxDepth a deep enough tree exhausts the stack.
    if (error instanceof RangeError) return { ok: false, error: `pipeline is nested too deeply to validate (${shape.depth} levels)` };
    throw error;
  }
  if (!parsed.success) return { ok: false, error: formatIssues(parsed.error.issues, input) };

  const duplicate = findDuplicateName(parsed.data);
  if (duplicate !== null) return { ok: false, error: duplicate };

  return { ok: true, pipeline: parsed.data, nodeCount: shape.nodeCount };
}

/** Parses a pipeline from JSON text (a generate step's stdout) and validates it. */
export function parsePipelineJson(text: string, limits: PipelineLimits = {}): PipelineValidation {
  const maxBytes = limits.maxBytes ?? DEFAULT_PIPELINE_LIMITS.maxBytes;
  // A UTF-16 code unit is at least one UTF-8 byte, so a long string is too large without counting.
  const bytes = text.length > maxBytes ? text.length : Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) {
    return { ok: false, error: `pipeline JSON is larger than ${formatBytes(maxBytes)} (${text.length > maxBytes ? "at least " : ""}${bytes} bytes)` };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") return { ok: false, error: "pipeline JSON is empty: expected a pipeline object" };

  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return { ok: false, error: describeJsonError(body) };
  }
  return validatePipeline(input, limits);
}

// ---------------------------------------------------------------------------------------------
// The walk before zod: counts nodes and measures depth without recursion.

interface WalkEntry {
  value: unknown;
  depth: number;
  parent: WalkEntry | null;
  /** The node's segment in its path: its name, or `[index]` when it has no usable name. */
  label: string;
}

function checkShape(input: unknown, maxNodes: number, maxDepth: number): { ok: true; nodeCount: number; depth: number } | { ok: false; error: string } {
  let nodeCount = 0;
  let depth = 0;
  const stack: WalkEntry[] = [{ value: input, depth: 1, parent: null, label: "" }];
  while (stack.length > 0) {
    const entry = stack.pop() as WalkEntry;
    nodeCount += 1;
    depth = Math.max(depth, entry.depth);
    if (nodeCount > maxNodes) return { ok: false, error: `pipeline has more than ${maxNodes} nodes` };
    if (entry.depth > maxDepth) {
      return { ok: false, error: `pipeline is nested deeper than ${maxDepth} levels at ${shortenPath(entryPath(entry))}` };
    }
    const children = childrenOf(entry.value);
    if (children === null) continue;
    // Pushed in reverse so that the walk meets nodes in document order (stable error paths).
    for (let index = children.length - 1; index >= 0; index -= 1) {
      const child: unknown = children[index];
      stack.push({ value: child, depth: entry.depth + 1, parent: entry, label: labelOf(child, index) });
    }
  }
  return { ok: true, nodeCount, depth };
}

function childrenOf(value: unknown): unknown[] | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const children = (value as { children?: unknown }).children;
  return Array.isArray(children) ? children : null;
}

function labelOf(node: unknown, index: number): string {
  if (typeof node === "object" && node !== null && !Array.isArray(node)) {
    const name = (node as { name?: unknown }).name;
    if (NodeName.safeParse(name).success) return name as string;
  }
  return `[${index}]`;
}

function entryPath(entry: WalkEntry): string[] {
  const labels: string[] = [];
  for (let at: WalkEntry | null = entry; at !== null && at.parent !== null; at = at.parent) labels.push(at.label);
  return labels.reverse();
}

function joinPath(labels: readonly string[]): string {
  return `/${labels.join("/")}`;
}

function shortenPath(labels: readonly string[]): string {
  const full = joinPath(labels);
  if (full.length <= MAX_PATH_CHARS || labels.length <= 5) return full;
  return joinPath([...labels.slice(0, 3), "…", ...labels.slice(-2)]);
}

// ---------------------------------------------------------------------------------------------
// Sibling names, checked on the validated tree.

function findDuplicateName(root: PipelineNode): string | null {
  const stack: Array<{ node: PipelineNode; labels: string[] }> = [{ node: root, labels: [] }];
  while (stack.length > 0) {
    const { node, labels } = stack.pop() as { node: PipelineNode; labels: string[] };
    if (node.type !== "serial" && node.type !== "parallel") continue;
    const seen = new Set<string>();
    for (const child of node.children) {
      if (seen.has(child.name)) return `${shortenPath(labels)}: two children named ${JSON.stringify(child.name)}`;
      seen.add(child.name);
    }
    for (let index = node.children.length - 1; index >= 0; index -= 1) {
      const child = node.children[index] as PipelineNode;
      stack.push({ node: child, labels: [...labels, child.name] });
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Zod issues, rewritten to name nodes by path.

function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  const lines: string[] = [];
  for (const issue of issues) {
    const line = formatIssue(issue, input);
    if (!lines.includes(line)) lines.push(line);
  }
  const shown = lines.slice(0, MAX_ISSUES);
  const more = lines.length - shown.length;
  return more > 0 ? `${shown.join("; ")}; and ${more} more ${more === 1 ? "problem" : "problems"}` : shown.join("; ");
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const { labels, field, value } = locate(issue.path, input);
  const where = shortenPath(labels);
  const message = oneLine(describeIssue(issue, value));
  return field === "" ? `${where}: ${message}` : `${where}: ${field}: ${message}`;
}

/**
 * Splits a zod issue path into the node it is in (following `children[i]` through the input)
 * and the field inside that node, e.g. `["children", 2, "image", "env", "1A"]` →
 * `/Build` + `image.env["1A"]`.
 */
function locate(path: readonly PropertyKey[], input: unknown): { labels: string[]; field: string; value: unknown } {
  const labels: string[] = [];
  let node: unknown = input;
  let at = 0;
  while (at + 1 < path.length && path[at] === "children" && typeof path[at + 1] === "number") {
    const index = path[at + 1] as number;
    const children = childrenOf(node);
    node = children?.[index];
    labels.push(labelOf(node, index));
    at += 2;
  }
  let value: unknown = node;
  let field = "";
  for (const key of path.slice(at)) {
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === "number") field += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) field += field === "" ? key : `.${key}`;
    else field += `[${JSON.stringify(String(key))}]`;
  }
  return { labels, field, value };
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `missing (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${describeValue(value)}`;
    case "invalid_union":
      if ("discriminator" in issue && issue.discriminator !== undefined) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const expected = options.map((option) => JSON.stringify(option)).join(", ");
        return value === undefined
          ? `missing (expected one of ${expected})`
          : `${describeValue(value)} is not one of ${expected}`;
      }
      return stripPrefix(issue.message);
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "field" : "fields"} ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}`;
    case "invalid_key":
      return issue.issues[0]?.message ?? stripPrefix(issue.message);
    default:
      return stripPrefix(issue.message);
  }
}

function stripPrefix(message: string): string {
  return message.replace(/^Invalid input: /, "");
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return truncate(JSON.stringify(value), 60);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${truncate(String(value), 40)}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ");
}

function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (Number.isInteger(mb)) return `${mb} MB`;
  return `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// JSON syntax errors: V8's messages do not reliably carry a position, so on failure a small
// iterative scanner finds the first offending character and reports its line and column.

class JsonSyntaxError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

function describeJsonError(text: string): string {
  let index = text.length;
  let message = "not valid JSON";
  try {
    scanJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    index = error.index;
    message = error.message;
  }
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < index; at = text.indexOf("\n", at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  return `pipeline JSON is invalid at line ${line}, column ${index - lineStart + 1}: ${message}`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

function scanJson(text: string): void {
  let pos = 0;
  const containers: Array<"[" | "{"> = [];

  const skipWhitespace = (): void => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const unexpected = (expected: string): never => {
    if (pos >= text.length) throw new JsonSyntaxError(pos, `unexpected end of input, expected ${expected}`);
    throw new JsonSyntaxError(pos, `unexpected ${JSON.stringify(text[pos])}, expected ${expected}`);
  };
  const scanString = (): void => {
    const start = pos;
    pos += 1;
    for (;;) {
      if (pos >= text.length) throw new JsonSyntaxError(start, "unterminated string");
      const code = text.charCodeAt(pos);
      if (code === 0x22) {
        pos += 1;
        return;
      }
      if (code < 0x20) throw new JsonSyntaxError(pos, "control character in a string (escape it, e.g. \\n)");
      if (code === 0x5c) {
        const escape = text[pos + 1];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) throw new JsonSyntaxError(pos, "invalid \\u escape in a string");
          pos += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          pos += 2;
        } else {
          throw new JsonSyntaxError(pos, "invalid escape in a string");
        }
        continue;
      }
      pos += 1;
    }
  };

  // `expect` is what the scanner wants next; after a value it looks at the enclosing container.
  let expect: "value" | "key" | "after" = "value";
  for (;;) {
    skipWhitespace();
    if (expect === "value") {
      const char = text[pos];
      if (char === "{" || char === "[") {
        containers.push(char);
        pos += 1;
        skipWhitespace();
        if (text[pos] === (char === "{" ? "}" : "]")) {
          containers.pop();
          pos += 1;
          expect = "after";
        } else {
          expect = char === "{" ? "key" : "value";
        }
      } else if (char === '"') {
        scanString();
        expect = "after";
      } else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) {
        NUMBER.lastIndex = pos;
        if (NUMBER.exec(text) === null) throw new JsonSyntaxError(pos, "invalid number");
        pos = NUMBER.lastIndex;
        expect = "after";
      } else {
        const literal = ["true", "false", "null"].find((word) => text.startsWith(word, pos));
        if (literal === undefined) unexpected("a value");
        pos += (literal as string).length;
        expect = "after";
      }
    } else if (expect === "key") {
      if (text[pos] !== '"') unexpected("a property name in double quotes");
      scanString();
      skipWhitespace();
      if (text[pos] !== ":") unexpected('":"');
      pos += 1;
      expect = "value";
    } else {
      const container = containers.at(-1);
      if (container === undefined) {
        if (pos < text.length) unexpected("the end of input after the pipeline object");
        return;
      }
      const close = container === "{" ? "}" : "]";
      if (text[pos] === ",") {
        pos += 1;
        expect = container === "{" ? "key" : "value";
      } else if (text[pos] === close) {
        containers.pop();
        pos += 1;
      } else {
        unexpected(`"," or "${close}"`);
      }
    }
  }
}
