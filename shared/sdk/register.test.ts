import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePipelineJson } from "../pipeline/validate-pipeline";
import { quoteNodeOption, SDK_REGISTER_PATH, sdkNodeOptions } from "./generate-env";

/**
 * Pipeline scripts run as Baton runs them: a real `node` with register.mjs loaded, in a temp
 * directory outside the project (no package.json, no node_modules), with a clean environment.
 */

const PROJECT_ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const EXAMPLE_DIR = path.join(PROJECT_ROOT, "examples", "hello");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const cleanEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: os.homedir(), ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: cleanEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function runScript(script: string, cwd: string, env: Record<string, string> = {}, args: string[] = []): Promise<Run> {
  return runNode(["--import", SDK_REGISTER_PATH, script, ...args], cwd, env);
}

function runShell(shell: string[], script: string, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const [command, ...args] = shell as [string, ...string[]];
    execFile(command, [...args, script], { cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

const EXPECTED_JSON = {
  type: "serial",
  name: "root",
  image: { image: "node:20", copyRepo: true },
  children: [
    { type: "exec", name: "build", command: "npm run build" },
    { type: "parallel", name: "tests", maxConcurrent: 4, children: [{ type: "exec", name: "unit", command: "npm test" }] },
  ],
};
const EXPECTED_TEXT = ["/ serial (image node:20 with repo)", "  build  exec  npm run build", "  tests  parallel (maxConcurrent 4)", "    unit  exec  npm test", ""].join("\n");

const SCRIPTS: Record<string, string> = {
  "pipeline.ts": `
import { Serial, Parallel, Exec, Image, main } from "baton";
import type { NodeParams } from "baton";

const params: NodeParams = { maxConcurrent: 4 };
const root = Serial({ image: Image({ image: "node:20", copyRepo: true }) });
root.add("build", Exec("npm run build"));
root.add("tests", Parallel(params, { unit: Exec("npm test") }));
main(root);
`,
  "pipeline.mjs": `
import { Serial, Parallel, Exec, Image, main } from "baton";

await Promise.resolve();
main(Serial({ image: Image({ image: "node:20", copyRepo: true }) }, {
  build: Exec("npm run build"),
  tests: Parallel({ maxConcurrent: 4 }, { unit: Exec("npm test") }),
}));
`,
  "pipeline.cjs": `
const { Serial, Parallel, Exec, Image, main } = require("baton");

const root = Serial({ image: Image({ image: "node:20", copyRepo: true }) });
root.children.build = Exec("npm run build");
root.children.tests = Parallel({ maxConcurrent: 4 }, { unit: Exec("npm test") });
main(root);
`,
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "baton-sdk-"));
  for (const [name, text] of Object.entries(SCRIPTS)) writeFileSync(path.join(dir, name), text);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("pipeline scripts run with register.mjs", () => {
  it("run in a directory outside the project with nothing installed", () => {
    expect(path.relative(PROJECT_ROOT, dir).startsWith("..")).toBe(true);
    expect(existsSync(path.join(dir, "node_modules"))).toBe(false);
    expect(existsSync(path.join(dir, "package.json"))).toBe(false);
  });

  for (const script of Object.keys(SCRIPTS)) {
    it(`${script} prints valid pipeline JSON and nothing else when BATON_GENERATE=1`, async () => {
      const result = await runScript(script, dir, { BATON_GENERATE: "1" });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const parsed = parsePipelineJson(result.stdout);
      expect(parsed).toMatchObject({ ok: true, nodeCount: 4 });
      expect(JSON.parse(result.stdout)).toEqual(EXPECTED_JSON);
    });

    it(`${script} prints the tree as text when run by hand`, async () => {
      const result = await runScript(script, dir);
      expect(result).toEqual({ code: 0, stdout: EXPECTED_TEXT, stderr: "" });
    });
  }

  it("loads through NODE_OPTIONS as Baton's generate step sets it", async () => {
    const result = await runNode(["pipeline.ts"], dir, { NODE_OPTIONS: sdkNodeOptions(), BATON_GENERATE: "1" });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED_JSON);
  });

  it("maps \"baton\" to Baton's SDK even when the repository has a package of that name", async () => {
    const repo = path.join(dir, "shadowed");
    mkdirSync(path.join(repo, "node_modules", "baton"), { recursive: true });
    writeFileSync(path.join(repo, "node_modules", "baton", "package.json"), JSON.stringify({ name: "baton", main: "index.js" }));
    writeFileSync(path.join(repo, "node_modules", "baton", "index.js"), 'throw new Error("the repository\'s own baton was loaded");');
    writeFileSync(path.join(repo, "pipeline.ts"), SCRIPTS["pipeline.ts"] as string);
    writeFileSync(path.join(repo, "pipeline.cjs"), SCRIPTS["pipeline.cjs"] as string);
    for (const script of ["pipeline.ts", "pipeline.cjs"]) {
      const result = await runScript(script, repo, { BATON_GENERATE: "1" });
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual(EXPECTED_JSON);
    }
  });

  it("exits 1 with a one-line reason on stderr for an invalid pipeline", async () => {
    writeFileSync(
      path.join(dir, "invalid.ts"),
      'import { Serial, Exec, main } from "baton";\nconst root = Serial({ build: Exec("make") });\n(root.children.build as { command: string }).command = "";\nmain(root);\n',
    );
    const result = await runScript("invalid.ts", dir, { BATON_GENERATE: "1" });
    expect(result).toEqual({ code: 1, stdout: "", stderr: "baton: invalid pipeline: /build: command: a command cannot be empty\n" });
  });
});

describe("sdkNodeOptions", () => {
  it("names register.mjs as a quoted file URL", () => {
    expect(sdkNodeOptions()).toBe(`--import="${pathToFileURL(SDK_REGISTER_PATH).href}"`);
    expect(quoteNodeOption('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
  });

  it("survives spaces, quotes and URL characters in the installation's path", async () => {
    const odd = path.join(dir, 'baton install #1 "x" 100%');
    mkdirSync(odd, { recursive: true });
    const loader = path.join(odd, "register.mjs");
    writeFileSync(loader, 'console.log("loaded from " + import.meta.url.length);\n');
    const result = await runNode(["-e", ""], dir, { NODE_OPTIONS: `${sdkNodeOptions(loader)} --no-warnings` });
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^loaded from \d+\n$/);
  });
});

describe("examples/hello", () => {
  let repo: string;

  beforeAll(() => {
    repo = path.join(dir, "hello");
    cpSync(EXAMPLE_DIR, repo, { recursive: true });
  });

  it("has push and pr sections that run the pipeline script", () => {
    const cfg = readFileSync(path.join(repo, ".conducto.cfg"), "utf8");
    expect(cfg).toMatch(/^\[push\]\ncommand = node pipeline\.ts --branch \{branch\}$/m);
    expect(cfg).toMatch(/^\[pr\]\ncommand = node pipeline\.ts --branch \{branch\}$/m);
  });

  it("generates build, three tests in parallel and a deploy skipped off main", async () => {
    const result = await runScript("pipeline.ts", repo, { BATON_GENERATE: "1", BATON_BRANCH: "feature" }, ["--branch", "feature"]);
    expect(result.stderr).toBe("");
    const parsed = parsePipelineJson(result.stdout);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.pipeline).toMatchObject({
      type: "serial",
      children: [
        { name: "build", type: "exec", command: "sh scripts/build.sh" },
        {
          name: "tests",
          type: "parallel",
          children: [
            { name: "unit", command: "sh tests/unit.sh" },
            { name: "lint", command: "sh tests/lint.sh" },
            { name: "integration", command: "sh tests/integration.sh" },
          ],
        },
        { name: "deploy", skip: true },
      ],
    });
  });

  it("does not skip deploy on main, whether told by BATON_BRANCH or --branch", async () => {
    for (const [env, args] of [[{ BATON_BRANCH: "main" }, []], [{}, ["--branch", "main"]]] as const) {
      const result = await runScript("pipeline.ts", repo, { BATON_GENERATE: "1", ...env }, [...args]);
      const deploy = (JSON.parse(result.stdout) as { children: Array<{ name: string; skip?: boolean }> }).children.find((child) => child.name === "deploy");
      expect(deploy?.skip).toBe(false);
    }
  });

  it("prints its tree when run by hand", async () => {
    const result = await runScript("pipeline.ts", repo);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("  tests  parallel\n    unit  exec  sh tests/unit.sh\n");
    expect(result.stdout).toContain("  deploy  exec  sh scripts/deploy.sh (skipped)\n");
  });

  const shells: string[][] = [["sh"]];
  for (const busybox of ["/bin/busybox", "/usr/bin/busybox"]) {
    if (existsSync(busybox)) {
      shells.push([busybox, "sh"]);
      break;
    }
  }
  for (const shell of shells) {
    it(`its scripts pass under ${shell.join(" ")}`, async () => {
      const work = mkdtempSync(path.join(os.tmpdir(), "baton-hello-"));
      try {
        cpSync(EXAMPLE_DIR, work, { recursive: true });
        for (const script of ["scripts/build.sh", "tests/unit.sh", "tests/lint.sh", "tests/integration.sh", "scripts/deploy.sh"]) {
          const result = await runShell(shell, script, work);
          expect(result, script).toMatchObject({ code: 0, stderr: "" });
          expect(result.stdout.trim().split("\n").length, script).toBeGreaterThanOrEqual(2);
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }

  it("fails only the unit test, with an obvious line, when its greeting is broken", async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), "baton-hello-"));
    try {
      cpSync(EXAMPLE_DIR, work, { recursive: true });
      const unit = path.join(work, "tests", "unit.sh");
      writeFileSync(unit, readFileSync(unit, "utf8").replace('actual="hello"', 'actual="helo"'));
      expect(await runShell(["sh"], "tests/unit.sh", work)).toMatchObject({ code: 1, stderr: "unit: expected greeting 'hello', got 'helo'\n" });
      for (const script of ["tests/lint.sh", "tests/integration.sh", "scripts/build.sh"]) {
        expect((await runShell(["sh"], script, work)).code, script).toBe(0);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
