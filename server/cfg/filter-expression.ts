import { CfgValueError, columnOf } from "./cfg-error";
import { compileGlob, GlobSyntaxError } from "./glob-match";
import type { GlobMatcher } from "./glob-match";
import { readVariableReference } from "./known-variables";

/**
 * A section's `filter`: comparisons `{variable} == glob` and `{variable} != glob` joined by
 * `!`, `&&`, `||` and parentheses, binding in that order (`!` tightest). The right side is a
 * glob (see glob-match.ts): a bare word, which ends at whitespace, `(`, `)`, `&&` or `||`, or
 * a quoted string, `'…'` or `"…"`, taken as written (no escapes; the glob's own `\` still works).
 *
 * @example evaluateFilter(parseFilter("{branch} == main || {branch} == 'release/**'"), { branch: "release/1.2" }) // => true
 */
export type FilterExpr =
  | { kind: "compare"; variable: string; op: "==" | "!="; glob: string; offset: number }
  | { kind: "not"; operand: FilterExpr }
  | { kind: "and"; operands: FilterExpr[] }
  | { kind: "or"; operands: FilterExpr[] };

type CompareExpr = Extract<FilterExpr, { kind: "compare" }>;

export const MAX_FILTER_DEPTH = 64;
export const MAX_FILTER_LENGTH = 64 * 1024;

/** Globs compiled at parse time, kept beside the plain-data AST. */
const matchers = new WeakMap<CompareExpr, GlobMatcher>();

/** Parses a filter; throws CfgValueError (a CfgError) with the column of the problem. */
export function parseFilter(text: string): FilterExpr {
  return new FilterParser(String(text)).parse();
}

/** Whether the filter holds for `vars`; a variable absent from `vars` is the empty string. */
export function evaluateFilter(expr: FilterExpr, vars: Readonly<Record<string, string>>): boolean {
  switch (expr.kind) {
    case "compare": {
      const value = Object.hasOwn(vars, expr.variable) ? String(vars[expr.variable]) : "";
      const matches = matcherFor(expr).test(value);
      return expr.op === "==" ? matches : !matches;
    }
    case "not":
      return !evaluateFilter(expr.operand, vars);
    case "and":
      return expr.operands.every((operand) => evaluateFilter(operand, vars));
    case "or":
      return expr.operands.some((operand) => evaluateFilter(operand, vars));
    default: {
      const unknown: never = expr;
      throw new Error(`unknown filter node ${JSON.stringify(unknown)}`);
    }
  }
}

function matcherFor(expr: CompareExpr): GlobMatcher {
  let matcher = matchers.get(expr);
  if (matcher === undefined) {
    matcher = compileGlob(expr.glob);
    matchers.set(expr, matcher);
  }
  return matcher;
}

class FilterParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parse(): FilterExpr {
    if (this.text.length > MAX_FILTER_LENGTH) this.fail(`a filter is at most ${MAX_FILTER_LENGTH} characters`, 0);
    this.skipSpace();
    if (this.atEnd()) this.fail("the filter is empty", 0);
    const expr = this.parseOr();
    this.skipSpace();
    if (!this.atEnd()) this.fail(`expected '&&', '||' or the end of the filter, found ${this.describeHere()}`, this.pos);
    return expr;
  }

  private parseOr(): FilterExpr {
    const operands = [this.parseAnd()];
    for (;;) {
      this.skipSpace();
      if (!this.text.startsWith("||", this.pos)) break;
      this.pos += 2;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? (operands[0] as FilterExpr) : { kind: "or", operands };
  }

  private parseAnd(): FilterExpr {
    const operands = [this.parseUnary()];
    for (;;) {
      this.skipSpace();
      if (!this.text.startsWith("&&", this.pos)) break;
      this.pos += 2;
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? (operands[0] as FilterExpr) : { kind: "and", operands };
  }

  private parseUnary(): FilterExpr {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === "!" && this.text[this.pos + 1] !== "=") {
      this.enter();
      this.pos++;
      const operand = this.parseUnary();
      this.depth--;
      return { kind: "not", operand };
    }
    if (ch === "(") {
      const open = this.pos;
      this.enter();
      this.pos++;
      const inner = this.parseOr();
      this.skipSpace();
      if (this.text[this.pos] !== ")") {
        this.fail(`expected ')' to close the '(' at column ${columnOf(this.text, open)}, found ${this.describeHere()}`, this.pos);
      }
      this.pos++;
      this.depth--;
      return inner;
    }
    if (ch === "{") return this.parseComparison();
    return this.fail(`expected a comparison such as {branch} == main, '(' or '!', found ${this.describeHere()}`, this.pos);
  }

  private parseComparison(): FilterExpr {
    const start = this.pos;
    const ref = readVariableReference(this.text, start);
    if (ref === null) this.fail("expected a variable such as {branch}: '{', a name of letters, digits and _, then '}'", start);
    this.pos = ref.end;
    this.skipSpace();
    const opAt = this.pos;
    const op = this.text.slice(opAt, opAt + 2);
    if (op !== "==" && op !== "!=") this.fail(`expected '==' or '!=' after {${ref.name}}, found ${this.describeHere()}`, opAt);
    this.pos += 2;
    this.skipSpace();
    const { glob, offset } = this.readGlob(op);
    const node: CompareExpr = { kind: "compare", variable: ref.name, op, glob, offset: start };
    try {
      matchers.set(node, compileGlob(glob));
    } catch (error) {
      if (error instanceof GlobSyntaxError) this.fail(`bad glob: ${error.problem}`, offset + error.index);
      throw error;
    }
    return node;
  }

  private readGlob(op: string): { glob: string; offset: number } {
    const start = this.pos;
    const quote = this.text[start];
    if (quote === "'" || quote === '"') {
      const close = this.text.indexOf(quote, start + 1);
      if (close < 0) this.fail(`the ${quote} here is never closed`, start);
      this.pos = close + 1;
      return { glob: this.text.slice(start + 1, close), offset: start + 1 };
    }
    while (!this.atEnd() && !this.atBareGlobEnd()) this.pos++;
    const glob = this.text.slice(start, this.pos);
    if (glob.length === 0) this.fail(`expected a glob after '${op}', found ${this.describeHere()}`, start);
    const asVariable = readVariableReference(glob, 0);
    if (asVariable !== null && asVariable.end === glob.length) {
      this.fail(
        `the right side of '${op}' is a glob and variables are not expanded there; to match the text ${glob} itself, quote it: '${glob}'`,
        start,
      );
    }
    return { glob, offset: start };
  }

  private atBareGlobEnd(): boolean {
    const ch = this.text[this.pos];
    if (ch === "(" || ch === ")" || isSpace(ch)) return true;
    return this.text.startsWith("&&", this.pos) || this.text.startsWith("||", this.pos);
  }

  private enter(): void {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) this.fail(`the filter nests '(' and '!' more than ${MAX_FILTER_DEPTH} deep`, this.pos);
  }

  private skipSpace(): void {
    while (isSpace(this.text[this.pos])) this.pos++;
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private describeHere(): string {
    if (this.atEnd()) return "the end of the filter";
    const cp = this.text.codePointAt(this.pos) as number;
    return JSON.stringify(String.fromCodePoint(cp));
  }

  private fail(problem: string, offset: number): never {
    throw new CfgValueError("filter", problem, offset, columnOf(this.text, offset));
  }
}

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}
