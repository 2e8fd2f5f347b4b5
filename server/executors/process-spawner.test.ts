import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecRequest, OutputSink, OutputStream, RunHandle } from "./executor";
import { LocalExecutor, type LocalExecutorOptions } from "./local-executor";
import { NATIVE_HELPER, ProcessSpawner, type SpawnerHelper } from "./process-spawner";

const PERL = ["/usr/bin/perl", "/bin/perl", "/usr/local/bin/perl"].find((candidate) => fs.existsSync(candidate));
const COMPILER = ["cc", "gcc"].find((name) => !spawnSync(name, ["--version"], { stdio: "ignore" }).error);
const SOURCE = fileURLToPath(new URL("./process-spawner.c", import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHILD_WITH_OPEN_DESCRIPTOR = path.join(PROJECT_ROOT, "test/fixtures/spawner-in-child-process.ts");
/** Each implementation the cases run against: the native one wherever it can be built, built or not. */
const HELPERS: SpawnerHelper[] = [...(COMPILER || fs.existsSync(NATIVE_HELPER) ? ["native" as const] : []), ...(PERL ? ["perl" as const] : [])];

/** Which implementation a running helper is, by its executable. */
function helperOf(pid: number): string {
  return helperOfExecutable(fs.readlinkSync(`/proc/${pid}/exe`));
}

function helperOfExecutable(exe: string): string {
  if (fs.existsSync(NATIVE_HELPER) && exe === fs.realpathSync(NATIVE_HELPER)) return "native";
  return path.basename(exe).startsWith("perl") ? "perl" : exe;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A local executor whose helper is `helper`: the native one is its default, the Perl one is chosen
 * by naming the interpreter. Whichever helper it ran by the end must be that one.
 */
async function executor(helper: SpawnerHelper | null, options: Partial<LocalExecutorOptions> = {}): Promise<LocalExecutor> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "baton-spawner-"));
  const choice = helper === "perl" ? { spawnHelperPerl: PERL! } : {};
  const local = new LocalExecutor({ workRoot: root, killGraceMs: 2000, commandPath: "/usr/bin:/bin", commandHome: root, ...choice, ...options });
  await local.preparePipeline({ pipelineId: "p1", repoDir: null, sha: null });
  cleanups.push(async () => {
    if (helper && local.spawnerPid !== null) expect(helperOf(local.spawnerPid)).toBe(helper);
    await local.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  return local;
}

let attempts = 0;
function request(command: string, env: Record<string, string> = {}): ExecRequest {
  attempts++;
  return { pipelineId: "p1", path: "/n", attempt: 1, attemptId: `att-${process.pid}-${attempts}`, command, env, image: null, cpu: null, mem: null, containerKey: null };
}

function collect(): { out: Record<OutputStream, string>; bytes: Record<OutputStream, number>; sink: OutputSink } {
  const out: Record<OutputStream, string> = { stdout: "", stderr: "", system: "" };
  const bytes: Record<OutputStream, number> = { stdout: 0, stderr: 0, system: 0 };
  return {
    out,
    bytes,
    sink: (stream, chunk) => {
      bytes[stream] += chunk.length;
      if (out[stream].length < 1 << 20) out[stream] += chunk.toString();
    },
  };
}

/** Dead or a zombie nobody reaped yet. */
function gone(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]![0] === "Z";
  } catch {
    return true;
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function vmKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(`${field}:`))!;
  return Number(line.split(/\s+/)[1]);
}

function stopLater(handle: RunHandle): void {
  cleanups.push(() => {
    const pid = Number(handle.ref);
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  });
}

describe("the native process spawner", () => {
  it.runIf(COMPILER)("is built wherever a C compiler is, and not older than its source", () => {
    const hint = "run `node scripts/build-native-spawner.mjs` (the postinstall script)";
    expect(fs.existsSync(NATIVE_HELPER), `${NATIVE_HELPER} is missing: ${hint}`).toBe(true);
    expect(fs.statSync(NATIVE_HELPER).mtimeMs, `${NATIVE_HELPER} is older than ${SOURCE}: ${hint}`).toBeGreaterThanOrEqual(fs.statSync(SOURCE).mtimeMs);
  });
});

describe("the local executor without a usable helper", () => {
  it("falls back to spawning from the server when the helper cannot start", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const local = await executor(null, { spawnHelperPerl: "/nonexistent/perl" });
    const results = await Promise.all(
      ["a", "b", "c"].map(async (word) => {
        const { out, sink } = collect();
        const handle = await local.start(request(`echo ${word}`), sink);
        return { exit: await handle.exit, out: out.stdout };
      }),
    );
    expect(results).toEqual(["a", "b", "c"].map((word) => ({ exit: { exitCode: 0 }, out: `${word}\n` })));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/spawning commands from the server/);
  });
});

describe.each(HELPERS)("the local executor's process spawner (%s helper)", (helper) => {
  it("reports the exact exit code, and 128 + the signal when a signal ends the shell", async () => {
    const local = await executor(helper);
    const codes = [];
    for (const command of ["true", "exit 3", "kill -TERM $$", "kill -KILL $$", "kill -USR1 $$"]) {
      const handle = await local.start(request(command), collect().sink);
      codes.push((await handle.exit).exitCode);
    }
    expect(codes).toEqual([0, 3, 143, 137, 128 + os.constants.signals.SIGUSR1]);
    expect(local.spawnerPid).not.toBeNull();
  });

  it("delivers stdout and stderr separately, as they come rather than at the end", async () => {
    const local = await executor(helper);
    const { out, sink } = collect();
    const handle = await local.start(request("echo out; echo err >&2; sleep 1.5; echo done; echo late >&2"), sink);
    let ended = false;
    void handle.exit.then(() => (ended = true));
    await until(() => out.stdout === "out\n" && out.stderr === "err\n", 1000, "the first lines");
    expect(ended).toBe(false);
    expect((await handle.exit).exitCode).toBe(0);
    expect(out).toEqual({ stdout: "out\ndone\n", stderr: "err\nlate\n", system: "" });
  });

  it("runs in the workspace, in its own process group, with only PATH, HOME, the request's env and BATON_ATTEMPT_ID", async () => {
    const local = await executor(helper);
    const { out, sink } = collect();
    const req = request("env; echo cwd=$(pwd); echo pgid=$(cut -d' ' -f5 /proc/$$/stat); sleep 0.5", { NODE_VAR: "x y", BATON_SDK_MOUNT: "/sdk", WITH_EQUALS: "a=b" });
    const handle = await local.start(req, sink);
    // Read while the command runs: ref names the shell from the moment start() resolves.
    const environ = fs.readFileSync(`/proc/${handle.ref}/environ`, "latin1").split("\0");
    expect(environ).toContain(`BATON_ATTEMPT_ID=${req.attemptId}`);
    expect((await handle.exit).exitCode).toBe(0);
    const lines = out.stdout.trim().split("\n");
    const env = lines.filter((l) => !l.startsWith("cwd=") && !l.startsWith("pgid="));
    // sh itself exports PWD.
    expect(env.filter((l) => !l.startsWith("PWD=")).sort()).toEqual(
      ["PATH=/usr/bin:/bin", `HOME=${path.dirname(path.dirname(local.workspaceOf("p1")))}`, "NODE_VAR=x y", "WITH_EQUALS=a=b", `BATON_ATTEMPT_ID=${req.attemptId}`].sort(),
    );
    expect(lines).toContain(`cwd=${fs.realpathSync(local.workspaceOf("p1"))}`);
    expect(lines).toContain(`pgid=${handle.ref}`);
  });

  it("kills the whole group of a command that ignores SIGTERM: SIGTERM, then SIGKILL after the grace period", async () => {
    const local = await executor(helper, { killGraceMs: 400 });
    const { out, sink } = collect();
    const handle = await local.start(request("trap '' TERM; sleep 600 & echo $!; wait; sleep 600"), sink);
    stopLater(handle);
    await until(() => out.stdout.includes("\n"), 2000, "the background pid");
    const background = Number(out.stdout.trim());
    const started = Date.now();
    handle.kill();
    handle.kill();
    const exit = await handle.exit;
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(exit.exitCode).toBe(137);
    await until(() => gone(background), 2000, "the background sleep to die");
    handle.kill();
  });

  it("delivers a kill sent the moment start resolves: the start waits for the exec, so the group exists", async () => {
    const local = await executor(helper, { killGraceMs: 10_000 });
    for (let i = 0; i < 20; i++) {
      const handle = await local.start(request("sleep 600"), collect().sink);
      stopLater(handle);
      handle.kill();
      const started = Date.now();
      expect(await handle.exit).toEqual({ exitCode: 143 });
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it("fails the start when the exec of sh fails, with the reason", async () => {
    const local = await executor(helper);
    // One argument longer than the kernel takes (MAX_ARG_STRLEN, 128 KiB): execve says E2BIG.
    const command = `true ${"#".repeat(200_000)}`;
    await expect(local.start(request(command), collect().sink)).rejects.toThrow(/could not start sh: exec \/bin\/sh: Argument list too long/);
    expect(await (await local.start(request("exit 2"), collect().sink)).exit).toEqual({ exitCode: 2 });
  });

  it("ends a run whose background child holds its pipes after the drain, delivering what came meanwhile and killing the child", async () => {
    const local = await executor(helper);
    const { out, sink } = collect();
    const started = Date.now();
    const handle = await local.start(request("sleep 600 & echo $!; (sleep 0.2; echo late) & echo early"), sink);
    stopLater(handle);
    expect((await handle.exit).exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    const [background, ...rest] = out.stdout.trim().split("\n");
    expect(rest).toEqual(["early", "late"]);
    await until(() => gone(Number(background)), 2000, "the background sleep to die");
  });

  it("streams 200 MB through without buffering it, whether the sink is fast or slow", async () => {
    const local = await executor(helper);
    const { bytes, sink } = collect();
    const size = 200 * 1024 * 1024;
    const handle = await local.start(request(`head -c ${size} /dev/zero; head -c 1000 /dev/zero >&2`), sink);
    expect((await handle.exit).exitCode).toBe(0);
    expect(bytes.stdout).toBe(size);
    expect(bytes.stderr).toBe(1000);

    // A sink slower than the command: the helper stops reading instead of holding the output.
    const slow = collect();
    let calls = 0;
    const slowHandle = await local.start(request(`head -c ${20 * 1024 * 1024} /dev/zero`), (stream, chunk) => {
      calls++;
      const until = performance.now() + 1;
      while (performance.now() < until);
      slow.sink(stream, chunk);
    });
    expect((await slowHandle.exit).exitCode).toBe(0);
    expect(slow.bytes.stdout).toBe(20 * 1024 * 1024);
    // Delivered in pieces as it comes (at most 1 MB each on average), never as one buffer; how
    // finely depends on how busy the machine is.
    expect(calls).toBeGreaterThan(20);
    expect(vmKb(local.spawnerPid!, "VmHWM")).toBeLessThan(32 * 1024);
  }, 60_000);

  it("falls back to spawning from the server, with one warning, when the helper is killed; its runs end with workerError", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const local = await executor(helper);
    const running = await local.start(request("sleep 600"), collect().sink);
    stopLater(running);
    process.kill(local.spawnerPid!, "SIGKILL");
    const exit = await running.exit;
    expect(exit.exitCode).toBeNull();
    expect(exit.workerError).toMatch(/process spawner/);
    await until(() => gone(Number(running.ref)), 2000, "the orphaned command to be killed");

    for (const word of ["one", "two"]) {
      const { out, sink } = collect();
      const handle = await local.start(request(`echo ${word}; echo err >&2; exit 4`), sink);
      expect(await handle.exit).toEqual({ exitCode: 4 });
      expect(out).toEqual({ stdout: `${word}\n`, stderr: "err\n", system: "" });
    }
    expect(local.spawnerPid).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("leaves running commands alone when closed, for a restart to find by pid", async () => {
    const local = await executor(helper);
    const req = request("sleep 600");
    const handle = await local.start(req, collect().sink);
    stopLater(handle);
    const helperPid = local.spawnerPid!;
    await local.close();
    await until(() => gone(helperPid), 2000, "the helper to exit");
    expect(gone(Number(handle.ref))).toBe(false);
    expect(await local.reattach(handle.ref, req)).toBeNull();
    await until(() => gone(Number(handle.ref)), 2000, "reattach to stop the orphan");
  });
});

describe.each(HELPERS)("ProcessSpawner (%s helper)", (helper) => {
  function newSpawner(drainMs: number): ProcessSpawner {
    const spawner = new ProcessSpawner({ drainMs, helper });
    cleanups.push(() => {
      if (spawner.pid !== null) expect(helperOf(spawner.pid)).toBe(helper);
      spawner.close();
    });
    return spawner;
  }

  it("rejects a command whose working directory is missing, and keeps serving the next", async () => {
    const spawner = newSpawner(1000);
    await expect(spawner.spawn({ cwd: "/nonexistent/dir", command: "true", env: {} }, () => undefined)).rejects.toThrow(/chdir \/nonexistent\/dir/);
    const spawned = await spawner.spawn({ cwd: "/", command: "exit 5", env: {} }, () => undefined);
    expect(await spawned.ended).toEqual({ exitCode: 5 });
  });

  it("passes output through unchanged whatever its bytes, in order", async () => {
    const spawner = newSpawner(1000);
    const chunks: Buffer[] = [];
    const spawned = await spawner.spawn({ cwd: "/", command: "printf 'a\\000b\\377\\n'; head -c 300000 /dev/zero | tr '\\0' y", env: { PATH: "/usr/bin:/bin" } }, (stream, chunk) => {
      if (stream === "stdout") chunks.push(Buffer.from(chunk));
    });
    expect(await spawned.ended).toEqual({ exitCode: 0 });
    const all = Buffer.concat(chunks);
    expect(all.subarray(0, 5)).toEqual(Buffer.from([0x61, 0, 0x62, 0xff, 0x0a]));
    expect(all.length).toBe(5 + 300000);
    expect(all.subarray(5).every((b) => b === 0x79)).toBe(true);
  });

  it("keeps the end of a command's output when the server fell behind for longer than the drain time", async () => {
    // The server stalls on the first chunk while the command writes the rest and exits; whatever
    // the socket, the helper's buffer and the pipe then hold must all still arrive. Sizes sweep
    // across where the pipe is left holding the tail when the helper stops reading (its 4 MiB
    // of pending output, plus up to a 1 MiB pipe and the socket's buffers).
    const spawner = newSpawner(20);
    const lost: string[] = [];
    for (let size = 4_000_000; size <= 6_400_000; size += 75_000) {
      let received = 0;
      const spawned = await spawner.spawn({ cwd: "/", command: `head -c ${size} /dev/zero`, env: {} }, (_stream, chunk) => {
        if (received === 0) {
          const until = performance.now() + 150;
          while (performance.now() < until);
        }
        received += chunk.length;
      });
      expect(await spawned.ended).toEqual({ exitCode: 0 });
      if (received !== size) lost.push(`${size - received} of ${size}`);
    }
    expect(lost).toEqual([]);
  });

  it("ends a command that closed its stdout and stderr only when it exits, with its code", async () => {
    const spawner = newSpawner(1000);
    const started = performance.now();
    const spawned = await spawner.spawn({ cwd: "/", command: "echo bye; exec >&- 2>&-; sleep 0.4; exit 4", env: { PATH: "/usr/bin:/bin" } }, () => undefined);
    expect(await spawned.ended).toEqual({ exitCode: 4 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("runs many commands at once, each output with its own run", async () => {
    const spawner = newSpawner(1000);
    const runs = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        let text = "";
        const spawned = await spawner.spawn({ cwd: "/", command: `i=0; while [ $i -lt 50 ]; do echo ${i}; i=$((i+1)); done; exit ${i % 7}`, env: {} }, (_stream, chunk) => (text += chunk.toString()));
        return { i, end: await spawned.ended, text };
      }),
    );
    for (const run of runs) {
      expect(run.end).toEqual({ exitCode: run.i % 7 });
      expect(run.text).toBe(`${run.i}\n`.repeat(50));
    }
  });

  it("starts each command with stdin from /dev/null, no descriptor but 0, 1 and 2, and no signal blocked or ignored", async () => {
    // Read by the commands themselves (the shell keeps descriptors of its own and blocks signals
    // while it forks): ls lists its own descriptors, 3 being the directory it reads.
    const command = "readlink /proc/self/fd/0; ls /proc/self/fd | tr '\\n' ' '; echo; exec grep -E '^Sig(Blk|Ign):' /proc/self/status";
    // The spawner runs in a child process given descriptor 100 without close-on-exec, as a server
    // started by a careless parent would be: the helper must close it before it starts commands.
    // (Node marks the low descriptors it inherits close-on-exec at start, but not one this high.)
    const stdio = Array.from({ length: 101 }, (_, fd) => (fd === 1 || fd === 2 || fd === 100 ? "pipe" : "ignore"));
    const child = spawnSync(process.execPath, ["--import", "tsx", CHILD_WITH_OPEN_DESCRIPTOR, helper, command], {
      cwd: PROJECT_ROOT,
      stdio: stdio as ("pipe" | "ignore")[],
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout) as { inherited: string[]; plainChild: string[]; helperExe: string; ended: unknown; text: string };
    expect(result.inherited, "the child process passes descriptor 100 on").toContain("100");
    expect(result.plainChild, "a process the child starts itself gets descriptor 100").toContain("100");
    expect(helperOfExecutable(result.helperExe)).toBe(helper);
    expect(result.ended).toEqual({ exitCode: 0 });
    const fds = ["0", "1", "2", "3"];
    const [stdin, listed, ...signals] = result.text.split("\n").map((line) => line.replace(/\s+/g, " ").trim());
    expect([stdin, listed!.split(" ").sort(), ...signals]).toEqual(["/dev/null", fds, "SigBlk: 0000000000000000", "SigIgn: 0000000000000000", ""]);
  });

  it("reports a failed exec of sh as a failed start with the reason, and keeps serving the next", async () => {
    const spawner = newSpawner(1000);
    // An environment string longer than the kernel takes (MAX_ARG_STRLEN, 128 KiB): execve says E2BIG.
    const request = { cwd: "/", command: "true", env: { BIG: "x".repeat(200_000) } };
    await expect(spawner.spawn(request, () => undefined)).rejects.toThrow(/^exec \/bin\/sh: Argument list too long$/);
    const spawned = await spawner.spawn({ cwd: "/", command: "exit 6", env: {} }, () => undefined);
    expect(await spawned.ended).toEqual({ exitCode: 6 });
  });

  it("ends a run drainMs after the shell exited while a background child holds its pipes, with what came meanwhile, and kills the group", async () => {
    const spawner = newSpawner(300);
    let text = "";
    const started = performance.now();
    const spawned = await spawner.spawn({ cwd: "/", command: "sleep 600 & echo $!; (sleep 0.1; echo late) & echo early", env: { PATH: "/usr/bin:/bin" } }, (_stream, chunk) => (text += chunk.toString()));
    cleanups.push(() => {
      try {
        process.kill(-spawned.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    });
    expect(await spawned.ended).toEqual({ exitCode: 0 });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2000);
    const [background, ...rest] = text.trim().split("\n");
    expect(rest).toEqual(["early", "late"]);
    await until(() => gone(Number(background)), 2000, "the background sleep to die");
  });
});
