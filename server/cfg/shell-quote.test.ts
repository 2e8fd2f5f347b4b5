import { mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CfgError } from "./cfg-error";
import { escapeForDoubleQuotes, escapeForSingleQuotes, shellQuote } from "./shell-quote";
import { runSh } from "./sh-for-tests";

const HOSTILE = ["x;touch /tmp/p", "$(id)", "`id`", "a'b", "'", "''", "\\", "line1\nline2", "$HOME", "*", "-n", "a b\tc", "!", "~", "#", "é🚀", ""];

describe("shellQuote", () => {
  it("wraps a value in single quotes", () => {
    expect(shellQuote("main")).toBe("'main'");
    expect(shellQuote("")).toBe("''");
  });

  it("writes a single quote as '\\''", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it.each(HOSTILE)("makes the real shell read %j back as exactly one word", (value) => {
    const result = runSh(`printf '%s|' ${shellQuote(value)}`);
    expect(result.stdout).toBe(`${value}|`);
  });

  it("rejects a value with a NUL byte, which a command line cannot carry", () => {
    expect(() => shellQuote("a\0b")).toThrow(CfgError);
  });

  describe("run as a command", () => {
    let dir = "";
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("never runs what a hostile value holds", () => {
      dir = mkdtempSync(join(tmpdir(), "baton-quote-"));
      const marker = join(dir, "pwned");
      for (const value of [`x;touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `x\ntouch ${marker}`]) {
        runSh(`echo ${shellQuote(value)} > /dev/null`);
        expect(existsSync(marker)).toBe(false);
      }
    });
  });
});

describe("escapes for an existing quoted string", () => {
  it.each(HOSTILE)("keep %j intact inside double quotes", (value) => {
    expect(runSh(`printf '%s|' "<${escapeForDoubleQuotes(value)}>"`).stdout).toBe(`<${value}>|`);
  });

  it.each(HOSTILE)("keep %j intact inside single quotes", (value) => {
    expect(runSh(`printf '%s|' '<${escapeForSingleQuotes(value)}>'`).stdout).toBe(`<${value}>|`);
  });
});
