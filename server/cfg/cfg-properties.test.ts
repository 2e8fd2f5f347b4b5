import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CfgError } from "./cfg-error";
import { CfgFile, parseCfg } from "./cfg-parser";
import { evaluateFilter, parseFilter } from "./filter-expression";
import { compileGlob, GlobSyntaxError } from "./glob-match";
import { runSh, scriptsThatCreate } from "./sh-for-tests";
import { substituteCommand } from "./substitute";

/** Characters that mean something to the cfg, filter, glob or shell grammar, plus a few plain ones. */
const SYNTAX_CHARS = [..."[]{}()=!&|'\"`$\\#;*?+/-,<>@ \t\n\rab1_", "\r\n", "\0", "é", "🚀"];
const syntaxString = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...SYNTAX_CHARS), maxLength });
const anyString = (maxLength: number): fc.Arbitrary<string> => fc.oneof(syntaxString(maxLength), fc.string({ unit: "binary", maxLength }));

/** Random edits (insert, delete, replace) of a valid text: inputs that are almost right. */
function mutated(samples: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom("insert", "delete", "replace"), syntaxString(6));
  return fc.tuple(fc.constantFrom(...samples), fc.array(edit, { maxLength: 6 })).map(([base, edits]) => {
    let text = base;
    for (const [at, kind, piece] of edits) {
      const i = text.length === 0 ? 0 : at % text.length;
      if (kind === "insert") text = text.slice(0, i) + piece + text.slice(i);
      else if (kind === "delete") text = text.slice(0, i) + text.slice(i + 1 + piece.length);
      else text = text.slice(0, i) + piece + text.slice(i + piece.length);
    }
    return text;
  });
}

/** Runs `f`; an error must be a CfgError and not the parser's internal-error wrapper. */
function onlyCfgErrors(f: () => void): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(CfgError);
    expect((error as CfgError).reason).not.toMatch(/^internal error/);
  }
}

const CFG_SAMPLES = [
  "[pr]\ncommand = node ci/pipeline.mjs pr --branch {branch}\n\n[push production]\nfilter = {branch} == main\ncommand = node ci/pipeline.mjs deploy\nduplicate = SLEEP_OLD\n",
  "# comment\n[cron nightly]\nschedule = 0 3 * * 1-5\nimage = node:20\ncommand =\n    set -e\n    echo \"{branch}\" '{sha}'\n",
  "[push]\nfilter = ({branch} == 'release/**' || {tag} != v*) && !{event} == pr\ncommand = make {branch}\n",
];

const FILTER_SAMPLES = [
  "{branch} == main",
  "({branch} == 'release/**' || {tag} != v[0-9]+.*) && !{event} == pr",
  "!!({a} == x && ({b} != \"y z\" || {c} == \\*))",
];

describe("robustness against hostile input", () => {
  it("parseCfg throws nothing but CfgError on random text", () => {
    fc.assert(
      fc.property(anyString(200), (text) => {
        onlyCfgErrors(() => {
          expect(CfgFile.safeParse(parseCfg(text)).success).toBe(true);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("parseCfg throws nothing but CfgError on mutated valid files", () => {
    fc.assert(
      fc.property(mutated(CFG_SAMPLES), (text) => {
        onlyCfgErrors(() => {
          expect(CfgFile.safeParse(parseCfg(text)).success).toBe(true);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("parseFilter throws nothing but CfgError, and what it parses evaluates to a boolean", () => {
    const vars = fc.dictionary(fc.constantFrom("a", "b", "c", "branch", "tag", "event"), anyString(20));
    fc.assert(
      fc.property(fc.oneof(anyString(80), mutated(FILTER_SAMPLES)), vars, (text, values) => {
        onlyCfgErrors(() => {
          expect(typeof evaluateFilter(parseFilter(text), values)).toBe("boolean");
        });
      }),
      { numRuns: 4000 },
    );
  });

  it("substituteCommand throws nothing but CfgError on random templates", () => {
    fc.assert(
      fc.property(fc.oneof(anyString(80), syntaxString(80).map((s) => `${s}{branch}${s}`)), (template) => {
        onlyCfgErrors(() => {
          expect(typeof substituteCommand(template, { branch: "x" })).toBe("string");
        });
      }),
      { numRuns: 3000 },
    );
  });
});

describe("glob matching", () => {
  it("throws nothing but GlobSyntaxError on random patterns and always answers a boolean", () => {
    fc.assert(
      fc.property(anyString(40), anyString(40), (pattern, subject) => {
        try {
          expect(typeof compileGlob(pattern).test(subject)).toBe("boolean");
        } catch (error) {
          expect(error).toBeInstanceOf(GlobSyntaxError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with a regular expression on patterns of literals, * and **", () => {
    const piece = fc.constantFrom("a", "b", "/", "-", "*", "**");
    const reference = (pattern: string[]): RegExp =>
      new RegExp(`^${pattern.map((p) => (p === "**" ? ".*" : p === "*" ? "[^/]*" : p.replace("/", "\\/"))).join("")}$`, "s");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.string({ unit: fc.constantFrom("a", "b", "/", "-"), maxLength: 12 }), (pieces, subject) => {
        // Adjacent stars would merge into a different token than the reference reads.
        const pattern = pieces.join("");
        fc.pre(!pieces.some((p, i) => p.startsWith("*") && pieces[i + 1]?.startsWith("*")));
        expect(compileGlob(pattern).test(subject)).toBe(reference(pieces).test(subject));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("quoting proven by the real shell", () => {
  /** Well-formed text without NUL: what a command line can carry. */
  const value = anyString(40).filter((s) => !s.includes("\0") && Buffer.from(s, "utf8").toString("utf8") === s);

  it("prints every value back exactly through sh -c 'printf %s …'", () => {
    fc.assert(
      fc.property(value, (v) => {
        const script = substituteCommand("printf %s {v}", { v });
        expect(runSh(script).stdout).toBe(v);
      }),
      { numRuns: 200 },
    );
  });

  it("prints every value back exactly from double and single quotes", () => {
    fc.assert(
      fc.property(value, (v) => {
        const script = substituteCommand(`printf '%s|%s' "[{v}]" '[{v}]'`, { v });
        expect(runSh(script).stdout).toBe(`[${v}]|[${v}]`);
      }),
      { numRuns: 200 },
    );
  });
});

describe("quoting in random shell scripts", () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-inject-"));
  const marker = join(dir, "pwned");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Ways out of a quoting context, each trying to create the marker file. */
  const payloads = [
    `;touch ${marker};`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `\`;touch ${marker};\``,
    `\\'; touch ${marker}; #`,
    `; touch ${marker}; '`,
    `'; touch ${marker}; '`,
    `'$(touch ${marker})'`,
    `"; touch ${marker}; "`,
    `"$(touch ${marker})"`,
    `\ntouch ${marker}\n`,
    `\nE\ntouch ${marker}\n`,
    `x\\`,
    `) ; touch ${marker} ; (`,
    `} ; touch ${marker} ; {`,
  ];
  /** One of each kind of spot a {v} can stand in; several are rejected, which is the point. */
  const holes = [
    "{v}",
    "a{v}b",
    "'a{v}b'",
    '"a{v}b"',
    "'{v}'{v}\"{v}\"",
    '"${x:-a}"{v}',
    "\\${{v}}{v}",
    "a#{v}",
    '"\\$"{v}',
    "$(echo {v})",
    '"$(echo {v})"',
    "`echo {v}`",
    '"`echo {v}`"',
    "$(( {v} ))",
    "${x:-{v}}",
    '"${x:-{v}}"',
    "${v}",
    '"${v}"',
    "\\{v}",
    '"\\{v}"',
    "$'{v}'",
    "x # {v}",
  ];
  const tokens = ["{v}", "'", '"', "`", "$", "$(", "${", "$((", "$'", "(", ")", "{", "}", "\\", "#", "<<E", "<<'E'", "<<-E", "\n", "\nE\n", "\t", " ", ";", "a", "=", "|"];

  /** Well-formed scripts with holes in every kind of spot: most of them run. */
  const { script: wellFormed } = fc.letrec<{ script: string; command: string; word: string }>((tie) => ({
    script: fc.array(tie("command"), { minLength: 1, maxLength: 3 }).map((commands) => commands.join("\n")),
    command: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tie("word").map((w) => `echo ${w}`),
      tie("word").map((w) => `x=${w}; echo "$x"`),
      tie("word").map((w) => `case ${w} in *) echo c;; esac`),
      tie("word").map((w) => `for i in ${w}; do echo "$i"; done`),
      tie("word").map((w) => `[ ${w} = x ] || echo no`),
      tie("word").map((w) => `: <<E\n$HOME \`x\` '"\nE\necho ${w}`),
      // One line: a newline in the word would end the comment and could leave its `$(echo {v})`
      // at the start of a command, where the shell runs what echo prints (the template's own
      // eval, which no quoting prevents: seed 1066000401).
      tie("word").map((w) => `echo hi # ${w.replace(/\n/g, " ")}\necho ok`),
      tie("word").map((w) => `cat <<E >/dev/null\n${w}\nE\necho ok`),
      tie("command").map((c) => `{ ${c}; }`),
      tie("command").map((c) => `(${c})`),
      fc.tuple(tie("command"), tie("command")).map(([a, b]) => `${a} && ${b} | cat`),
    ),
    word: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...holes),
      tie("command").map((c) => `"$(${c})"`),
      tie("command").map((c) => `$(${c})`),
      tie("command").map((c) => `"a $(${c}) b"`),
      // A quoted parenthesis the scanner must not count as one.
      tie("command").map((c) => `'(' ${c.includes("'") ? "x" : c}`),
    ),
  }));

  const soup = fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 14 }).map((parts) => parts.join(""));

  it("never lets a payload run as code from any kind of spot, in dash, bash or busybox", () => {
    const scripts: string[] = [];
    for (const hole of holes) {
      for (const v of payloads) {
        for (const template of [`echo ${hole}`, `: <<E\n${hole}\nE`]) {
          try {
            scripts.push(substituteCommand(template, { v }));
          } catch (error) {
            expect(error).toBeInstanceOf(CfgError);
          }
        }
      }
    }
    expect(scripts.length).toBeGreaterThan(100);
    expect(scriptsThatCreate(scripts, marker, dir)).toEqual([]);
  });

  it("never lets a value that was substituted run as code, in dash, bash or busybox", () => {
    // A failure names its seed; BATON_PROPERTY_SEED=<seed> replays it.
    const seed = Number(process.env.BATON_PROPERTY_SEED ?? Date.now() % 2 ** 31);
    const scripts: string[] = [];
    for (const [template, v] of fc.sample(fc.tuple(fc.oneof(wellFormed, soup), fc.constantFrom(...payloads)), { numRuns: 400, seed })) {
      try {
        scripts.push(substituteCommand(template, { v }));
      } catch (error) {
        expect(error).toBeInstanceOf(CfgError);
      }
    }
    expect(scripts.length).toBeGreaterThan(100);
    expect(scriptsThatCreate(scripts, marker, dir), `seed ${seed}`).toEqual([]);
  });
});
