import { CfgError } from "./cfg-error";

/**
 * Glob patterns as GitHub Actions branch and tag filters read them:
 *
 * | pattern | matches |
 * | --- | --- |
 * | `*` | zero or more characters except `/` |
 * | `**` | zero or more of any character, `/` included, also inside a segment (`releases/**-alpha`) |
 * | `?` | zero or one of the preceding character or class |
 * | `+` | one or more of the preceding character or class |
 * | `[a-z0-9]`, `[!ab]`, `[^ab]` | one character (never `/`) in, or not in, the set |
 * | `\x` | the character `x` itself |
 * | `!` first | the pattern's negation |
 *
 * Anything else matches itself; `{a,b}` is not special. Matching simulates the pattern's
 * automaton over the subject, so it takes time proportional to pattern × subject whatever the
 * subject holds: a hostile branch name cannot make it backtrack (picomatch's regular
 * expressions take seconds on `*-*-*-*x` against 250 dashes).
 */
export interface GlobMatcher {
  readonly pattern: string;
  test(subject: string): boolean;
}

export const MAX_GLOB_LENGTH = 1024;

/** A syntax error in a glob; `index` is the offending UTF-16 index in the pattern. */
export class GlobSyntaxError extends CfgError {
  override readonly name: string = "GlobSyntaxError";

  constructor(
    readonly problem: string,
    readonly index: number,
  ) {
    super(`${problem} (glob column ${index + 1})`);
  }
}

type Repeat = "one" | "optional" | "many";

interface Step {
  test: (codePoint: number) => boolean;
  repeat: Repeat;
  /** A character or class can take `?` or `+` after it; a wildcard or a quantified step cannot. */
  quantifiable: boolean;
}

const SLASH = 0x2f;

export function compileGlob(pattern: string): GlobMatcher {
  if (pattern.length > MAX_GLOB_LENGTH) {
    throw new GlobSyntaxError(`a glob is at most ${MAX_GLOB_LENGTH} characters`, MAX_GLOB_LENGTH);
  }
  let i = 0;
  let negate = false;
  if (pattern.startsWith("!")) {
    negate = true;
    i = 1;
  }
  const steps: Step[] = [];
  while (i < pattern.length) {
    const cp = pattern.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    if (cp === 0x2a /* * */) {
      let end = i + 1;
      while (pattern.charCodeAt(end) === 0x2a) end++;
      const crossesSlash = end - i > 1;
      steps.push({ test: crossesSlash ? anyChar : notSlash, repeat: "many", quantifiable: false });
      i = end;
    } else if (cp === 0x3f /* ? */ || cp === 0x2b /* + */) {
      const previous = steps[steps.length - 1];
      if (previous === undefined || !previous.quantifiable) {
        const ch = String.fromCodePoint(cp);
        throw new GlobSyntaxError(`'${ch}' repeats the character before it, and there is none here; write \\${ch} for a literal ${ch}`, i);
      }
      if (cp === 0x3f) {
        previous.repeat = "optional";
        previous.quantifiable = false;
      } else {
        previous.quantifiable = false;
        steps.push({ test: previous.test, repeat: "many", quantifiable: false });
      }
      i++;
    } else if (cp === 0x5b /* [ */) {
      const parsed = parseClass(pattern, i);
      steps.push({ test: parsed.test, repeat: "one", quantifiable: true });
      i = parsed.end;
    } else if (cp === 0x5c /* \ */) {
      if (i + 1 >= pattern.length) throw new GlobSyntaxError("the glob ends with a lone '\\'", i);
      const escaped = pattern.codePointAt(i + 1) as number;
      steps.push({ test: (c) => c === escaped, repeat: "one", quantifiable: true });
      i += 1 + (escaped > 0xffff ? 2 : 1);
    } else {
      steps.push({ test: (c) => c === cp, repeat: "one", quantifiable: true });
      i += width;
    }
  }
  return {
    pattern,
    test: (subject) => runSteps(steps, subject) !== negate,
  };
}

function anyChar(): boolean {
  return true;
}

function notSlash(cp: number): boolean {
  return cp !== SLASH;
}

interface ClassRange {
  from: number;
  to: number;
}

function parseClass(pattern: string, open: number): { test: (cp: number) => boolean; end: number } {
  let i = open + 1;
  let negated = false;
  if (pattern[i] === "!" || pattern[i] === "^") {
    negated = true;
    i++;
  }
  const ranges: ClassRange[] = [];
  let first = true;
  for (;;) {
    if (i >= pattern.length) throw new GlobSyntaxError("'[' is never closed by ']'; write \\[ for a literal [", open);
    let cp = pattern.codePointAt(i) as number;
    if (cp === 0x5d /* ] */ && !first) {
      i++;
      break;
    }
    first = false;
    if (cp === 0x5c) {
      if (i + 1 >= pattern.length) throw new GlobSyntaxError("the glob ends with a lone '\\'", i);
      i++;
      cp = pattern.codePointAt(i) as number;
    }
    i += cp > 0xffff ? 2 : 1;
    let to = cp;
    if (pattern[i] === "-" && i + 1 < pattern.length && pattern[i + 1] !== "]") {
      const rangeAt = i;
      i++;
      let end = pattern.codePointAt(i) as number;
      if (end === 0x5c) {
        if (i + 1 >= pattern.length) throw new GlobSyntaxError("the glob ends with a lone '\\'", i);
        i++;
        end = pattern.codePointAt(i) as number;
      }
      i += end > 0xffff ? 2 : 1;
      if (end < cp) throw new GlobSyntaxError(`the range ${String.fromCodePoint(cp)}-${String.fromCodePoint(end)} is reversed`, rangeAt);
      to = end;
    }
    ranges.push({ from: cp, to });
  }
  const inSet = (c: number): boolean => ranges.some((r) => c >= r.from && c <= r.to);
  return { test: (c) => c !== SLASH && inSet(c) !== negated, end: i };
}

/** Thompson simulation: the set of steps reachable after each character of the subject. */
function runSteps(steps: readonly Step[], subject: string): boolean {
  const m = steps.length;
  let current = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  current[0] = 1;
  closeOver(steps, current);
  for (const ch of subject) {
    const cp = ch.codePointAt(0) as number;
    next.fill(0);
    let alive = false;
    for (let s = 0; s < m; s++) {
      if (current[s] !== 1) continue;
      const step = steps[s] as Step;
      if (!step.test(cp)) continue;
      next[step.repeat === "many" ? s : s + 1] = 1;
      alive = true;
    }
    if (!alive) return false;
    closeOver(steps, next);
    [current, next] = [next, current];
  }
  return current[m] === 1;
}

/** Adds the steps reachable without reading a character: past every optional or repeated step. */
function closeOver(steps: readonly Step[], states: Uint8Array): void {
  for (let s = 0; s < steps.length; s++) {
    if (states[s] === 1 && (steps[s] as Step).repeat !== "one") states[s + 1] = 1;
  }
}
