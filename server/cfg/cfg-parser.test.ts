import { describe, expect, it } from "vitest";
import { CfgError, CfgValueError } from "./cfg-error";
import { CfgFile, MAX_CFG_BYTES, parseCfg } from "./cfg-parser";

function cfgError(text: string, fileName?: string): CfgError {
  try {
    parseCfg(text, fileName);
  } catch (error) {
    if (error instanceof CfgError) return error;
    throw error;
  }
  throw new Error(`expected the cfg to be rejected:\n${text}`);
}

const DESIGN_EXAMPLE = `[pr]
command = node ci/pipeline.mjs pr --branch {branch}

[push production]
filter = {branch} == main
command = node ci/pipeline.mjs deploy
duplicate = SLEEP_OLD
`;

describe("parseCfg", () => {
  it("parses the example of DESIGN §2", () => {
    expect(parseCfg(DESIGN_EXAMPLE)).toEqual({
      sections: [
        {
          name: "pr",
          event: "pr",
          label: null,
          line: 1,
          command: "node ci/pipeline.mjs pr --branch {branch}",
          filter: null,
          image: null,
          duplicate: "SUPPRESS_NEW",
          schedule: null,
        },
        {
          name: "push production",
          event: "push",
          label: "production",
          line: 4,
          command: "node ci/pipeline.mjs deploy",
          filter: "{branch} == main",
          image: null,
          duplicate: "SLEEP_OLD",
          schedule: null,
        },
      ],
    });
  });

  it("returns what the CfgFile schema accepts", () => {
    expect(CfgFile.safeParse(parseCfg(DESIGN_EXAMPLE)).success).toBe(true);
  });

  it("accepts every event of DESIGN §2", () => {
    const events = ["push", "pr", "pr-close", "create-branch", "delete-branch", "create-tag", "delete-tag"];
    const text = events.map((event) => `[${event}]\ncommand = echo ${event}\n`).join("") + "[cron nightly]\nschedule = @daily\ncommand = x\n";
    expect(parseCfg(text).sections.map((section) => section.event)).toEqual([...events, "cron"]);
  });

  it("reads image, schedule and every duplicate policy, in any case", () => {
    const cfg = parseCfg(`[cron nightly]
schedule = 0 3 * * *
image = node:20-slim
command = x
duplicate = defer
[push a]
command = x
duplicate = Allow
`);
    expect(cfg.sections[0]).toMatchObject({ schedule: "0 3 * * *", image: "node:20-slim", duplicate: "DEFER" });
    expect(cfg.sections[1]).toMatchObject({ duplicate: "ALLOW" });
  });

  it("ignores comments and blank lines, and the case of keys", () => {
    const cfg = parseCfg(`# top comment
; another

[push]
  # indented comment before any value
COMMAND = echo hi
; trailing
`);
    expect(cfg.sections[0]?.command).toBe("echo hi");
  });

  it("trims spaces around keys and values and accepts no spaces at all", () => {
    expect(parseCfg("[push]\n  command=echo a=b  \n").sections[0]?.command).toBe("echo a=b");
  });

  it("joins continuation lines with newlines, keeping relative indentation", () => {
    const cfg = parseCfg(`[push]
command =
    set -e
    if true; then
      echo "{branch}"
    fi
filter = {branch} == main
`);
    expect(cfg.sections[0]?.command).toBe('set -e\nif true; then\n  echo "{branch}"\nfi');
  });

  it("continues a value that starts on the key's line", () => {
    expect(parseCfg("[push]\ncommand = make\n  && make test\n").sections[0]?.command).toBe("make\n&& make test");
  });

  it("keeps blank lines and shell comments inside a multi-line command, and ;; lines", () => {
    const cfg = parseCfg(`[push]
command =
  case {branch} in
    main) echo main
    ;;

  # deploy
  esac



[pr]
command = y
`);
    expect(cfg.sections[0]?.command).toBe("case {branch} in\n  main) echo main\n  ;;\n\n# deploy\nesac");
  });

  it("skips a column-one comment inside a value without ending it", () => {
    expect(parseCfg("[push]\ncommand =\n  a\n# note\n  b\n").sections[0]?.command).toBe("a\nb");
  });

  it("reads continuation relative to an indented key", () => {
    const cfg = parseCfg("[push]\n  command = a\n    b\n  filter = {branch} == x\n");
    expect(cfg.sections[0]).toMatchObject({ command: "a\nb", filter: "{branch} == x" });
  });

  it("accepts CRLF and lone CR line endings and a byte order mark", () => {
    expect(parseCfg("\uFEFF[push]\r\ncommand = a\r\n  b\r\n").sections[0]?.command).toBe("a\nb");
    expect(parseCfg("[push]\rcommand = a\r").sections[0]?.command).toBe("a");
  });

  it("normalises the whitespace inside a section header", () => {
    expect(parseCfg("[  push \t production ]\ncommand = x\n").sections[0]).toMatchObject({ name: "push production", label: "production" });
  });

  it("returns no sections for an empty file", () => {
    expect(parseCfg("")).toEqual({ sections: [] });
    expect(parseCfg("# only a comment\n\n")).toEqual({ sections: [] });
  });

  it("prefixes errors with the given file name", () => {
    expect(cfgError("[nope]\ncommand = x\n", "repo/.conducto.cfg").message).toMatch(/^repo\/\.conducto\.cfg:1: /);
  });

  it.each([
    ["an unknown event", "[deploy]\ncommand = x\n", 1, /unknown event "deploy"; events are push, pr, pr-close/],
    ["an event in the wrong case", "[Push]\ncommand = x\n", 1, /unknown event "Push"/],
    ["a duplicate section", "[push]\ncommand = x\n\n[push]\ncommand = y\n", 4, /duplicate section \[push\]; the first is on line 1/],
    ["a duplicate labelled section", "[push a]\ncommand = x\n[push   a]\ncommand = y\n", 3, /duplicate section \[push a\]/],
    ["a key outside a section", "command = x\n[push]\n", 1, /"command" is outside a section/],
    ["an unknown key", "[push]\ncomand = x\ncommand = y\n", 2, /unknown key "comand" in \[push\]; keys are command, filter, image, duplicate, schedule/],
    ["a key set twice", "[push]\ncommand = x\ncommand = y\n", 3, /command is set twice in \[push\]; the first is on line 2/],
    ["a missing command", "[push]\nfilter = {branch} == main\n[pr]\ncommand = x\n", 1, /\[push\] has no command/],
    ["an empty command", "[push]\ncommand =\n\n", 2, /command in \[push\] is empty/],
    ["an empty filter", "[push]\ncommand = x\nfilter =\n", 3, /filter in \[push\] is empty/],
    ["a bad duplicate value", "[push]\ncommand = x\nduplicate = KILL\n", 3, /duplicate in \[push\] must be one of SUPPRESS_NEW, ALLOW, SLEEP_OLD, DEFER, found "KILL"/],
    ["cron without schedule", "[cron nightly]\ncommand = x\n", 1, /\[cron nightly\] needs a schedule/],
    ["schedule on a non-cron section", "[push]\ncommand = x\nschedule = @daily\n", 3, /schedule only applies to \[cron\] sections/],
    ["a bad schedule", "[cron]\ncommand = x\nschedule = 0 25 * * *\n", 3, /schedule in \[cron\]: the hour field/],
    ["an image with spaces", "[push]\ncommand = x\nimage = node 20\n", 3, /image in \[push\] is one image name/],
    ["a line without '='", "[push]\ncommand = x\njust words\n", 3, /expected 'key = value', a \[section\] header or a comment, found "just words"/],
    ["a key missing before '='", "[push]\n= x\n", 2, /a key is missing before '='/],
    ["an unclosed header", "[push\ncommand = x\n", 1, /ends with '\]'/],
    ["text after a header", "[push] # main\ncommand = x\n", 1, /ends with '\]'/],
    ["an empty header", "[]\n", 1, /names no event/],
    ["a header with three words", "[push a b]\ncommand = x\n", 1, /\[event\] or \[event label\]/],
    ["a bad label", "[push -x]\ncommand = x\n", 1, /the label "-x" must be/],
    ["a NUL byte", "[push]\ncommand = x\n# \0\n", 3, /NUL byte/],
    ["an unsafe variable in the command", "[push]\ncommand = echo `{branch}`\n", 2, /command column 17: \{branch\} cannot be quoted safely/],
  ])("rejects %s with its line", (_what, text, line, message) => {
    const error = cfgError(text);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`.conducto.cfg:${line}: `)).toBe(true);
  });

  it("reports a filter's syntax error at its line and column in the file", () => {
    const error = cfgError("[push]\ncommand = x\nfilter = {branch} == main &&\n");
    expect(error).toBeInstanceOf(CfgValueError);
    expect(error.message).toBe(".conducto.cfg:3: filter column 29: expected a comparison such as {branch} == main, '(' or '!', found the end of the filter");
  });

  it("reports an error on a filter's continuation line at that line and column", () => {
    const error = cfgError("[push]\ncommand = x\nfilter = {branch} == main\n    && {sha} = x\n") as CfgValueError;
    expect(error.line).toBe(4);
    expect(error.column).toBe(14);
  });

  it("reports an unsafe variable on a command's continuation line at that line", () => {
    const error = cfgError("[push]\ncommand =\n  set -e\n  cat <<EOF\n  {branch}\n  EOF\n") as CfgValueError;
    expect(error.line).toBe(5);
    expect(error.column).toBe(3);
  });

  it("rejects a file over the size limit without reading it", () => {
    const error = cfgError(`[push]\ncommand = ${"x".repeat(MAX_CFG_BYTES)}\n`);
    expect(error.line).toBeNull();
    expect(error.message).toBe(".conducto.cfg: the file is larger than 1 MiB");
  });

  it("counts the size in UTF-8 bytes", () => {
    expect(cfgError(`# ${"é".repeat(MAX_CFG_BYTES / 2)}`).message).toMatch(/larger than/);
  });

  it("rejects input that is not text with a CfgError", () => {
    expect(cfgError(42 as unknown as string).message).toMatch(/not text/);
  });

  it("keeps messages short when a hostile line is huge", () => {
    expect(cfgError(`[push]\n${"w".repeat(500_000)}\n`).message.length).toBeLessThan(200);
  });
});
