import { describe, expect, it } from "vitest";
import { compileGlob, GlobSyntaxError, MAX_GLOB_LENGTH } from "./glob-match";
import { CfgError } from "./cfg-error";

const matches = (pattern: string, subject: string): boolean => compileGlob(pattern).test(subject);

function syntaxError(pattern: string): GlobSyntaxError {
  try {
    compileGlob(pattern);
  } catch (error) {
    if (error instanceof GlobSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${pattern} to be rejected`);
}

describe("compileGlob", () => {
  it("matches a literal pattern only against the same text", () => {
    expect(matches("main", "main")).toBe(true);
    expect(matches("main", "Main")).toBe(false);
    expect(matches("main", "main2")).toBe(false);
    expect(matches("main", "mai")).toBe(false);
  });

  it("lets * match any run of characters except '/'", () => {
    expect(matches("feature/*", "feature/login")).toBe(true);
    expect(matches("feature/*", "feature/")).toBe(true);
    expect(matches("feature/*", "feature/a/b")).toBe(false);
    expect(matches("*", "a/b")).toBe(false);
    expect(matches("*", "")).toBe(true);
    expect(matches("*-rc", "1.0-rc")).toBe(true);
  });

  it("lets ** match across '/', also inside a segment as GitHub Actions does", () => {
    expect(matches("feature/**", "feature/a/b/c")).toBe(true);
    expect(matches("**", "a/b")).toBe(true);
    expect(matches("releases/**-alpha", "releases/beta/3-alpha")).toBe(true);
    expect(matches("releases/**-alpha", "releases/3-alpha")).toBe(true);
    expect(matches("releases/**-alpha", "releases/3-beta")).toBe(false);
    expect(matches("**/main", "a/b/main")).toBe(true);
  });

  it("treats ? as zero or one of the preceding character", () => {
    expect(matches("colou?r", "color")).toBe(true);
    expect(matches("colou?r", "colour")).toBe(true);
    expect(matches("colou?r", "colouur")).toBe(false);
  });

  it("treats + as one or more of the preceding character or class", () => {
    expect(matches("v[12].[0-9]+.[0-9]+", "v1.10.1")).toBe(true);
    expect(matches("v[12].[0-9]+.[0-9]+", "v2.0.35")).toBe(true);
    expect(matches("v[12].[0-9]+.[0-9]+", "v3.0.0")).toBe(false);
    expect(matches("v[12].[0-9]+.[0-9]+", "v1..0")).toBe(false);
    expect(matches("a+b", "aaab")).toBe(true);
    expect(matches("a+b", "b")).toBe(false);
  });

  it("matches one character of a class, never '/'", () => {
    expect(matches("[CB]at", "Cat")).toBe(true);
    expect(matches("[CB]at", "Bat")).toBe(true);
    expect(matches("[CB]at", "Hat")).toBe(false);
    expect(matches("[1-2]00", "200")).toBe(true);
    expect(matches("[!a]", "b")).toBe(true);
    expect(matches("[^a]", "a")).toBe(false);
    expect(matches("a[!x]b", "a/b")).toBe(false);
    expect(matches("[]]", "]")).toBe(true);
    expect(matches("[a\\-z]", "-")).toBe(true);
    expect(matches("[a-]", "-")).toBe(true);
  });

  it("takes an escaped character literally", () => {
    expect(matches("a\\*b", "a*b")).toBe(true);
    expect(matches("a\\*b", "axb")).toBe(false);
    expect(matches("c\\+\\+", "c++")).toBe(true);
    expect(matches("\\!main", "!main")).toBe(true);
  });

  it("negates the whole pattern when it starts with '!'", () => {
    expect(matches("!main", "dev")).toBe(true);
    expect(matches("!main", "main")).toBe(false);
    expect(matches("!release/*", "release/1")).toBe(false);
  });

  it("gives no meaning to braces, parentheses or other punctuation", () => {
    expect(matches("{a,b}", "{a,b}")).toBe(true);
    expect(matches("{a,b}", "a")).toBe(false);
    expect(matches("fix(ui)", "fix(ui)")).toBe(true);
    expect(matches(".github", ".github")).toBe(true);
  });

  it("matches the empty pattern against the empty string only", () => {
    expect(matches("", "")).toBe(true);
    expect(matches("", "x")).toBe(false);
  });

  it("compares whole code points, astral characters included", () => {
    expect(matches("🚀-*", "🚀-launch")).toBe(true);
    expect(matches("[🚀x]", "🚀")).toBe(true);
  });

  it("rejects a quantifier with nothing to repeat, naming the column", () => {
    expect(syntaxError("+a").index).toBe(0);
    expect(syntaxError("a*?").index).toBe(2);
    expect(syntaxError("a??").index).toBe(2);
  });

  it("rejects an unclosed class, a reversed range and a trailing backslash", () => {
    expect(syntaxError("ab[cd").index).toBe(2);
    expect(syntaxError("[z-a]").problem).toMatch(/reversed/);
    expect(syntaxError("ab\\").problem).toMatch(/lone/);
  });

  it("rejects a pattern longer than the limit", () => {
    const error = syntaxError("a".repeat(MAX_GLOB_LENGTH + 1));
    expect(error).toBeInstanceOf(CfgError);
  });

  it("stays fast on subjects built to make a backtracking matcher explode", () => {
    const started = performance.now();
    expect(matches("*-*-*-*-*-*-*-*x", "-".repeat(5000))).toBe(false);
    expect(matches("**a**a**a**a**a**b", "a".repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
