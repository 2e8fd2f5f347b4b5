import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ExecRequest, Executor, ExitInfo, OutputSink, PipelineSource, RunHandle } from "./executor";
import { WorkerError } from "./executor";
import { checkoutCommit } from "./git-checkout";
import { ProcessSpawner, SpawnerUnavailable, type SpawnEnd } from "./process-spawner";

export interface LocalExecutorOptions {
  /** Where per-pipeline workspaces live. */
  workRoot: string;
  killGraceMs: number;
  /** The PATH and HOME commands get; nothing else of the server's environment reaches them. */
  commandPath: string;
  commandHome: string;
  /** Start commands through the process-spawner helper (default); false spawns each from this process. */
  spawnHelper?: boolean;
  /** The helper's Perl interpreter (tests point it elsewhere); see ProcessSpawnerOptions. */
  spawnHelperPerl?: string;
}

/** How long output may keep flowing after the shell exited (a background child holding the pipe). */
const DRAIN_AFTER_EXIT_MS = 1000;

/**
 * Runs each attempt as `sh -c` in the pipeline's one checkout, in its own process group, with a
 * clean environment. Kill signals the whole group: SIGTERM, then SIGKILL after the grace period.
 * Commands are forked by a small helper process (process-spawner.ts), as a fork from the server
 * costs in proportion to its memory; without the helper they are spawned from here.
 */
export class LocalExecutor implements Executor {
  readonly name = "local" as const;
  private readonly workspaces = new Map<string, string>();
  private spawner: ProcessSpawner | null = null;
  private helperWarned = false;

  constructor(private readonly options: LocalExecutorOptions) {}

  /** The spawner helper's pid while it runs (diagnostics, tests). */
  get spawnerPid(): number | null {
    return this.spawner?.pid ?? null;
  }

  workspaceOf(pipelineId: string): string {
    return this.workspaces.get(pipelineId) ?? path.join(this.options.workRoot, pipelineId, "workspace");
  }

  async preparePipeline(source: PipelineSource): Promise<void> {
    const dir = path.join(this.options.workRoot, source.pipelineId, "workspace");
    if (source.repoDir && source.sha) {
      await checkoutCommit(source.repoDir, source.sha, dir);
    } else {
      fs.mkdirSync(dir, { recursive: true });
    }
    this.workspaces.set(source.pipelineId, dir);
  }

  async start(request: ExecRequest, sink: OutputSink): Promise<RunHandle> {
    const cwd = this.workspaceOf(request.pipelineId);
    if (!fs.existsSync(cwd)) throw new WorkerError(`workspace ${cwd} is missing`);
    const env: Record<string, string> = { PATH: this.options.commandPath, HOME: this.options.commandHome };
    for (const [key, value] of Object.entries(request.env)) {
      if (key !== "BATON_SDK_MOUNT") env[key] = value;
    }
    env.BATON_ATTEMPT_ID = request.attemptId;
    const spawner = this.helper();
    if (spawner) {
      try {
        const spawned = await spawner.spawn({ cwd, command: request.command, env }, sink);
        return followSpawned(spawned.pid, spawned.ended, this.options.killGraceMs);
      } catch (error) {
        if (!(error instanceof SpawnerUnavailable)) throw new WorkerError(`could not start sh: ${(error as Error).message}`);
        // Nothing ran: start it here instead.
      }
    }
    let child: ChildProcess;
    try {
      child = spawn("/bin/sh", ["-c", request.command], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      throw new WorkerError(`could not start sh: ${(error as Error).message}`);
    }
    return followChild(child, sink, this.options.killGraceMs);
  }

  async reattach(ref: string, request: ExecRequest): Promise<RunHandle | null> {
    // A local process's pipes died with the server that read them: the output is lost, so the
    // attempt cannot be followed. Stop what is left of it so it does not run on unobserved.
    const pid = Number(ref);
    if (Number.isInteger(pid) && pid > 1 && isOurProcess(pid, request.attemptId)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    return null;
  }

  async releasePipeline(pipelineId: string): Promise<void> {
    this.workspaces.delete(pipelineId);
    fs.rmSync(path.join(this.options.workRoot, pipelineId), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    this.spawner?.close();
  }

  /** The helper, started on first use; null once it failed (commands are then spawned from here). */
  private helper(): ProcessSpawner | null {
    if (this.options.spawnHelper === false) return null;
    if (this.spawner?.usable === false) return null;
    if (!this.spawner) {
      const spawner = new ProcessSpawner({ drainMs: DRAIN_AFTER_EXIT_MS, ...(this.options.spawnHelperPerl ? { perl: this.options.spawnHelperPerl } : {}) });
      spawner.onDeath = (reason) => {
        if (this.helperWarned) return;
        this.helperWarned = true;
        console.warn(`local executor: ${reason}; spawning commands from the server from now on (slower)`);
      };
      this.spawner = spawner;
    }
    return this.spawner;
  }
}

function isOurProcess(pid: number, attemptId: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`BATON_ATTEMPT_ID=${attemptId}`);
  } catch {
    return false;
  }
}

/** Signals a command's process group, if it still exists. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined || pid <= 1) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // No such group: gone already. A start resolves only after the exec (and so the setsid) on
    // both paths; signalling the process itself is a safety net should that ever not hold.
    try {
      process.kill(pid, signal);
    } catch {
      // Gone.
    }
  }
}

/** A command the helper started: it relays the output, reaps the shell and kills the leftover group. */
function followSpawned(pid: number, ended: Promise<SpawnEnd>, killGraceMs: number): RunHandle {
  let killTimer: NodeJS.Timeout | null = null;
  let exited = false;
  const exit = ended.then((end): ExitInfo => {
    exited = true;
    if (killTimer) clearTimeout(killTimer);
    return "exitCode" in end ? { exitCode: end.exitCode } : { exitCode: null, workerError: end.failure };
  });
  return {
    ref: String(pid),
    exit,
    kill() {
      if (exited || killTimer) return;
      signalGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(pid, "SIGKILL"), killGraceMs);
      killTimer.unref();
    },
  };
}

function followChild(child: ChildProcess, sink: OutputSink, killGraceMs: number): RunHandle {
  const pid = child.pid;
  let killTimer: NodeJS.Timeout | null = null;
  let exited = false;

  child.stdout!.on("data", (chunk: Buffer) => sink("stdout", chunk));
  child.stderr!.on("data", (chunk: Buffer) => sink("stderr", chunk));

  const exit = new Promise<ExitInfo>((resolve) => {
    let code: number | null = null;
    let spawnError: Error | null = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      // Whatever the command left running in its group ends with it.
      signalGroup(pid, "SIGKILL");
      resolve(spawnError ? { exitCode: null, workerError: `could not run the command: ${spawnError.message}` } : { exitCode: code });
    };
    child.once("error", (error) => {
      spawnError = error;
      finish();
    });
    child.once("exit", (exitCode, signal) => {
      exited = true;
      code = exitCode ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : null);
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, DRAIN_AFTER_EXIT_MS);
      child.once("close", () => {
        clearTimeout(drain);
        finish();
      });
    });
  });

  return {
    ref: String(pid ?? ""),
    exit,
    kill() {
      if (exited || killTimer) return;
      signalGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(pid, "SIGKILL"), killGraceMs);
      killTimer.unref();
    },
  };
}
