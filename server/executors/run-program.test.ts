import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ProgramFailed, programSpawnerPid, runProgram } from "./run-program";

const ENV = { PATH: "/usr/bin:/bin" };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-run-program-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("runProgram", () => {
  it("starts the program from the shared spawner helper, not by forking this process", async () => {
    const parent = Number((await runProgram("sh", ["-c", "echo $PPID"], { env: ENV })).trim());
    expect(parent).not.toBe(process.pid);
    expect(parent).toBe(programSpawnerPid());
    const again = Number((await runProgram("sh", ["-c", "echo $PPID"], { env: ENV })).trim());
    expect(again).toBe(parent);
  });

  it("passes each argument as it is, quotes and $(…) included, in the directory and environment given", async () => {
    const args = ["a b", "it's", '"$(touch pwned)"', "`id`", "", "*"];
    const out = await runProgram("sh", ["-c", 'printf "[%s]\\n" "$@"; pwd; env | sort', "sh", ...args], { cwd: dir, env: { ...ENV, ONLY: "this" } });
    const lines = out.trimEnd().split("\n");
    expect(lines.slice(0, args.length + 1)).toEqual([...args.map((arg) => `[${arg}]`), dir]);
    // What the shell sets itself aside, the environment is the one given.
    expect(lines.slice(args.length + 1).filter((line) => !/^(PWD|OLDPWD|SHLVL|_)=/.test(line))).toEqual(["ONLY=this", "PATH=/usr/bin:/bin"]);
    expect(fs.existsSync(path.join(dir, "pwned"))).toBe(false);
  });

  it("rejects a non-zero exit with the code and what the program printed on stderr", async () => {
    const failed = await runProgram("sh", ["-c", "echo out; echo why >&2; exit 3"], { env: ENV }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ProgramFailed);
    expect(failed).toMatchObject({ code: 3, stdout: "out\n", stderr: "why\n", killed: false });
    expect((failed as Error).message).toMatch(/exit code 3\nwhy$/);
  });

  it("kills the program's whole process group at its timeout", async () => {
    const started = performance.now();
    const failed = await runProgram("sh", ["-c", "sleep 30 & echo $!; wait"], { env: ENV, timeoutMs: 300 }).catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(failed).toMatchObject({ killed: true });
    const background = Number((failed as ProgramFailed).stdout.trim());
    expect(background).toBeGreaterThan(0);
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(background, 0);
        alive = !fs.readFileSync(`/proc/${background}/stat`, "utf8").includes(") Z ");
        await new Promise((resolve) => setTimeout(resolve, 20));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });

  it("rejects a missing program with a clear failure", async () => {
    await expect(runProgram("baton-no-such-program", [], { env: ENV })).rejects.toThrow(/baton-no-such-program.*(exit code 127|not found)/s);
  });
});
