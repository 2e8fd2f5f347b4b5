import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CfgError, CfgValueError } from "./cfg-error";
import { runSh } from "./sh-for-tests";
import { checkCommandTemplate, KNOWN_VARIABLES, substituteCommand } from "./substitute";

function substituteError(template: string, vars: Record<string, string> = {}): CfgValueError {
  try {
    substituteCommand(template, vars);
  } catch (error) {
    if (error instanceof CfgValueError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(template)} to be rejected`);
}

describe("substituteCommand", () => {
  it("replaces each {name} with the single-quoted value", () => {
    expect(substituteCommand("node ci/pipeline.mjs pr --branch {branch} --pr {pr}", { branch: "feature/x", pr: "7" })).toBe(
      "node ci/pipeline.mjs pr --branch 'feature/x' --pr '7'",
    );
  });

  it("quotes a hostile value so that it stays data", () => {
    expect(substituteCommand("deploy {branch}", { branch: "x;touch /tmp/p" })).toBe("deploy 'x;touch /tmp/p'");
    expect(substituteCommand("deploy {branch}", { branch: "$(id)" })).toBe("deploy '$(id)'");
    expect(substituteCommand("deploy {branch}", { branch: "a'b" })).toBe(`deploy 'a'\\''b'`);
  });

  it("gives a known variable that is absent the empty string, quoted", () => {
    expect(substituteCommand("run --tag={tag}", {})).toBe("run --tag=''");
    for (const name of KNOWN_VARIABLES) expect(substituteCommand(`{${name}}`, {})).toBe("''");
  });

  it("substitutes a variable that is not known when the launch gives it", () => {
    expect(substituteCommand("run {region}", { region: "eu" })).toBe("run 'eu'");
  });

  it("rejects an unknown variable the launch does not give, naming it", () => {
    const error = substituteError("run {region}");
    expect(error).toBeInstanceOf(CfgError);
    expect(error.message).toBe("command column 5: unknown variable {region}: give it a value (--region=…) or write {{region}} for literal braces");
  });

  it("does not take a name from the prototype of the variables object", () => {
    expect(substituteError("{constructor}").problem).toMatch(/unknown variable \{constructor\}/);
  });

  it("turns {{ and }} into literal braces", () => {
    expect(substituteCommand("echo {{branch}} ${{HOME}} {{{branch}}}", { branch: "b" })).toBe("echo {branch} ${HOME} {'b'}");
  });

  it("keeps braces that do not form {name} as they are", () => {
    expect(substituteCommand("awk '{ print $1 }' && f() { :; } && echo {a-b} {1}", {})).toBe("awk '{ print $1 }' && f() { :; } && echo {a-b} {1}");
  });

  it("escapes the value for the double-quoted string it stands in", () => {
    expect(substituteCommand(`echo "on {branch} now"`, { branch: `$(id) "x" \`y\` \\` })).toBe(`echo "on \\$(id) \\"x\\" \\\`y\\\` \\\\ now"`);
  });

  it("escapes the value for the single-quoted string it stands in", () => {
    expect(substituteCommand(`echo 'on {branch} now'`, { branch: "it's" })).toBe(`echo 'on it'\\''s now'`);
  });

  it("rejects a variable after '$', pointing at the {{ escape", () => {
    const error = substituteError("echo ${branch}", { branch: "x" });
    expect(error.problem).toMatch(/'\$' right before it/);
    expect(error.column).toBe(7);
  });

  it("rejects variables where no quoting is safe", () => {
    expect(substituteError("echo `{branch}`").problem).toMatch(/inside `…`/);
    expect(substituteError("echo \\{branch}").problem).toMatch(/'\\' right before/);
    expect(substituteError("echo hi # {branch}").problem).toMatch(/comment/);
    expect(substituteError("cat <<EOF\n{branch}\nEOF").problem).toMatch(/here-document/);
    expect(substituteError("echo $(( {pr} + 1 ))").problem).toMatch(/\$\(\(…\)\)/);
    expect(substituteError("echo ${x:-{branch}}").problem).toMatch(/\$\{…\}/);
  });

  it("reports the column within the template's line", () => {
    expect(substituteError("set -e\necho `{branch}`").column).toBe(7);
  });

  it("rejects a template with a NUL byte and a value with a NUL byte", () => {
    expect(() => substituteCommand("echo \0", {})).toThrow(CfgError);
    expect(() => substituteCommand("echo {branch}", { branch: "a\0b" })).toThrow(CfgError);
  });

  it("leaves a template without variables unchanged", () => {
    const script = `set -e\ncat <<'EOF'\n$HOME \`x\`\nEOF\necho "$(date)" # done`;
    expect(substituteCommand(script, {})).toBe(script);
  });

  describe("run by the real shell", () => {
    const values = ["x;touch /tmp/p", "$(id)", "`id`", "a'b\"c", "back\\slash", "two\nlines", "$HOME ${HOME}", "-n", ""];

    it.each(values)("prints %j back exactly from a word, a double-quoted and a single-quoted spot", (value) => {
      const script = substituteCommand(`printf '%s|' {v} "<{v}>" '<{v}>' "$(printf %s {v})"`, { v: value });
      expect(runSh(script).stdout).toBe(`${value}|<${value}>|<${value}>|${value.replace(/\n+$/, "")}|`);
    });

    let dir = "";
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("runs none of what a branch named to inject commands holds", () => {
      dir = mkdtempSync(join(tmpdir(), "baton-subst-"));
      const marker = join(dir, "pwned");
      const templates = ["echo {branch}", `echo "{branch}"`, "echo '{branch}'", "x={branch}; echo $x", "case {branch} in main) ;; esac"];
      for (const branch of [`x;touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `'"; touch ${marker}; echo "'`, `\ntouch ${marker}`]) {
        for (const template of templates) runSh(`${substituteCommand(template, { branch })} >/dev/null 2>&1`);
      }
      expect(existsSync(marker)).toBe(false);
    });
  });
});

describe("checkCommandTemplate", () => {
  it("returns the names a template uses, once each, in order", () => {
    expect(checkCommandTemplate("a {branch} {sha} {branch} {region} {{pr}}")).toEqual(["branch", "sha", "region"]);
  });

  it("accepts unknown names, which the launch may supply", () => {
    expect(() => checkCommandTemplate("deploy {region}")).not.toThrow();
  });

  it("rejects a variable where no quoting is safe", () => {
    expect(() => checkCommandTemplate("echo `{branch}`")).toThrow(CfgValueError);
  });
});
