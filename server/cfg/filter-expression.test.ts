import { describe, expect, it } from "vitest";
import { CfgError, CfgValueError } from "./cfg-error";
import { evaluateFilter, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from "./filter-expression";

const holds = (filter: string, vars: Record<string, string>): boolean => evaluateFilter(parseFilter(filter), vars);

function parseError(filter: string): CfgValueError {
  try {
    parseFilter(filter);
  } catch (error) {
    if (error instanceof CfgValueError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

describe("parseFilter", () => {
  it("parses a comparison into a plain-data node", () => {
    expect(parseFilter("{branch} == main")).toEqual({ kind: "compare", variable: "branch", op: "==", glob: "main", offset: 0 });
    expect(parseFilter("  {tag}!='v*'")).toEqual({ kind: "compare", variable: "tag", op: "!=", glob: "v*", offset: 2 });
  });

  it("binds ! tighter than && and && tighter than ||", () => {
    const expr = parseFilter("!{a} == x && {b} == y || {c} == z");
    expect(expr).toMatchObject({
      kind: "or",
      operands: [
        { kind: "and", operands: [{ kind: "not", operand: { kind: "compare", variable: "a" } }, { kind: "compare", variable: "b" }] },
        { kind: "compare", variable: "c" },
      ],
    });
  });

  it("keeps a chain of the same operator flat", () => {
    const expr = parseFilter("{a} == 1 || {a} == 2 || {a} == 3 || {a} == 4");
    expect(expr.kind).toBe("or");
    expect(expr.kind === "or" && expr.operands.length).toBe(4);
  });

  it("lets parentheses override precedence", () => {
    expect(parseFilter("({a} == x || {b} == y) && {c} == z")).toMatchObject({
      kind: "and",
      operands: [{ kind: "or" }, { kind: "compare", variable: "c" }],
    });
  });

  it("ends a bare glob at whitespace, a parenthesis, && or ||", () => {
    expect(parseFilter("({branch}==main)")).toMatchObject({ glob: "main" });
    expect(parseFilter("{branch}==main&&{sha}!=''")).toMatchObject({ kind: "and", operands: [{ glob: "main" }, { glob: "" }] });
    expect(parseFilter("{branch}==a||{branch}==b")).toMatchObject({ kind: "or", operands: [{ glob: "a" }, { glob: "b" }] });
    expect(parseFilter("{branch} == a=b!c&d|e")).toMatchObject({ glob: "a=b!c&d|e" });
  });

  it("takes quoted globs as written, spaces and operators included", () => {
    expect(parseFilter(`{branch} == 'a && b'`)).toMatchObject({ glob: "a && b" });
    expect(parseFilter(`{branch} == "it's"`)).toMatchObject({ glob: "it's" });
    expect(parseFilter(`{branch} == '{tag}'`)).toMatchObject({ glob: "{tag}" });
  });

  it("accepts newlines and tabs as whitespace, so a filter can span continuation lines", () => {
    expect(holds("{branch} == main\n&&\t{sha} != ''", { branch: "main", sha: "abc" })).toBe(true);
  });

  it("reports the column of a missing glob", () => {
    const error = parseError("{branch} == ");
    expect(error).toBeInstanceOf(CfgError);
    expect(error.column).toBe(13);
    expect(error.message).toBe("filter column 13: expected a glob after '==', found the end of the filter");
  });

  it("reports an unclosed parenthesis with the column of the '('", () => {
    const error = parseError("({a} == x");
    expect(error.problem).toMatch(/close the '\(' at column 1/);
    expect(error.column).toBe(10);
  });

  it("reports a single '=' as a missing comparison operator", () => {
    expect(parseError("{branch} = main").problem).toMatch(/expected '==' or '!=' after \{branch\}/);
  });

  it("rejects a left side that is not a {variable}", () => {
    expect(parseError("branch == main").problem).toMatch(/expected a comparison/);
    expect(parseError("{bad-name} == x").problem).toMatch(/expected a variable/);
    expect(parseError("{ branch } == x").column).toBe(1);
  });

  it("rejects a variable on the right side, which is a glob", () => {
    const error = parseError("{branch} == {base_branch}");
    expect(error.problem).toMatch(/variables are not expanded/);
    expect(error.column).toBe(13);
  });

  it("rejects an unclosed quote at the quote's column", () => {
    expect(parseError("{a} == 'main").column).toBe(8);
  });

  it("reports a bad glob at its own column inside the filter", () => {
    const error = parseError("{a} == x || {b} == 'v[1-'");
    expect(error.problem).toMatch(/^bad glob: '\[' is never closed/);
    expect(error.column).toBe(22);
  });

  it("rejects what follows a complete expression", () => {
    expect(parseError("{a} == x {b} == y").problem).toMatch(/expected '&&', '\|\|' or the end of the filter, found "\{"/);
    expect(parseError("{a} == x)").column).toBe(9);
  });

  it("rejects an empty filter and a dangling operator", () => {
    expect(parseError("   ").problem).toBe("the filter is empty");
    expect(parseError("{a} == x &&").problem).toMatch(/found the end of the filter/);
    expect(parseError("!").problem).toMatch(/found the end of the filter/);
  });

  it("rejects nesting deeper than the limit with a clear error", () => {
    const ok = "(".repeat(MAX_FILTER_DEPTH) + "{a} == x" + ")".repeat(MAX_FILTER_DEPTH);
    expect(() => parseFilter(ok)).not.toThrow();
    const deep = "(".repeat(MAX_FILTER_DEPTH + 1) + "{a} == x" + ")".repeat(MAX_FILTER_DEPTH + 1);
    expect(parseError(deep).problem).toMatch(/more than 64 deep/);
    expect(parseError("!".repeat(10_000) + "{a} == x").problem).toMatch(/more than 64 deep/);
  });

  it("rejects a filter longer than the limit", () => {
    expect(parseError(`{a} == ${"x".repeat(MAX_FILTER_LENGTH)}`).problem).toMatch(/at most/);
  });

  it("parses a very long flat chain without deep recursion", () => {
    const filter = Array.from({ length: 3000 }, (_, i) => `{branch} == b${i}`).join(" || ");
    expect(holds(filter, { branch: "b2999" })).toBe(true);
  });
});

describe("evaluateFilter", () => {
  it("compares a variable against a glob with == and !=", () => {
    expect(holds("{branch} == main", { branch: "main" })).toBe(true);
    expect(holds("{branch} == main", { branch: "dev" })).toBe(false);
    expect(holds("{branch} != main", { branch: "dev" })).toBe(true);
    expect(holds("{branch} == 'release/*'", { branch: "release/1.0" })).toBe(true);
    expect(holds("{branch} == release/*", { branch: "release/1.0/hotfix" })).toBe(false);
    expect(holds("{branch} == release/**", { branch: "release/1.0/hotfix" })).toBe(true);
  });

  it("treats an absent variable as the empty string", () => {
    expect(holds("{tag} == ''", {})).toBe(true);
    expect(holds("{tag} != ''", {})).toBe(false);
    expect(holds("{tag} == v*", {})).toBe(false);
  });

  it("does not read variables from the prototype chain", () => {
    expect(holds("{constructor} == ''", {})).toBe(true);
    expect(holds("{toString} == ''", {})).toBe(true);
  });

  it("applies !, && and || with the usual truth tables", () => {
    const vars = { a: "1", b: "2" };
    expect(holds("!{a} == 1", vars)).toBe(false);
    expect(holds("!!{a} == 1", vars)).toBe(true);
    expect(holds("{a} == 1 && {b} == 2", vars)).toBe(true);
    expect(holds("{a} == 1 && {b} == 3", vars)).toBe(false);
    expect(holds("{a} == 0 || {b} == 2", vars)).toBe(true);
    expect(holds("{a} == 0 || {b} == 0", vars)).toBe(false);
    expect(holds("!({a} == 0 || {b} == 0)", vars)).toBe(true);
    expect(holds("{a} == 0 && {b} == 2 || {a} == 1", vars)).toBe(true);
    expect(holds("{a} == 0 && ({b} == 2 || {a} == 1)", vars)).toBe(false);
  });

  it("evaluates a hand-built node whose glob was never compiled", () => {
    expect(evaluateFilter({ kind: "compare", variable: "b", op: "==", glob: "m*", offset: 0 }, { b: "main" })).toBe(true);
  });
});
