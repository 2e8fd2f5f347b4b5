import { execFile } from "node:child_process";
import { shellQuote } from "../cfg/shell-quote";
import { ProcessSpawner, SpawnerUnavailable } from "./process-spawner";

export interface RunProgramOptions {
  /** Default: this process's working directory. */
  cwd?: string;
  /** The program's whole environment. */
  env: Record<string, string>;
  /** Killed (SIGKILL, its whole process group) after this long; by default never. */
  timeoutMs?: number;
}

/** A program that exited non-zero, was killed at its timeout, or printed more than MAX_OUTPUT_BYTES. Shaped like execFile's error. */
export class ProgramFailed extends Error {
  override name = "ProgramFailed";
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
    /** The exit code (128 + n for signal n); null when it could not be followed to its end. */
    readonly code: number | null,
    /** Killed at its timeout or for its output's size. */
    readonly killed: boolean,
  ) {
    super(message);
  }
}

/** After the helper could not start, programs are forked from this process for this long before it is tried again. */
const RETRY_HELPER_AFTER_MS = 60_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Git's own children (upload-pack, index-pack) end with it: no output is expected after its exit. */
const DRAIN_AFTER_EXIT_MS = 1_000;

let shared: ProcessSpawner | null = null;
let helperFailedAt = -Infinity;

/** The helper every runProgram call shares; it keeps the event loop alive only while a program runs. */
function sharedSpawner(): ProcessSpawner | null {
  if (shared?.usable === false) {
    shared = null;
    helperFailedAt = Date.now();
  }
  if (Date.now() - helperFailedAt < RETRY_HELPER_AFTER_MS) return null;
  shared ??= new ProcessSpawner({ drainMs: DRAIN_AFTER_EXIT_MS });
  return shared;
}

/** The shared helper's pid while it runs (tests). */
export function programSpawnerPid(): number | null {
  return shared?.pid ?? null;
}

/**
 * Runs `file` with `args` to its end and returns what it printed on stdout. It is started by
 * the shared process-spawner helper, not forked from this process: a fork copies the server's
 * page tables and holds its event loop for 10–45 ms (measured in a loaded test worker), and a
 * burst of launches runs several git commands each, which starved the webhook answers. Where
 * the helper cannot start, execFile. The arguments reach the program exactly as given (each
 * shell-quoted for the helper's `sh -c`, which execs the program).
 */
export async function runProgram(file: string, args: readonly string[], options: RunProgramOptions): Promise<string> {
  const spawner = sharedSpawner();
  if (spawner) {
    try {
      return await runThroughSpawner(spawner, file, args, options);
    } catch (error) {
      if (!(error instanceof SpawnerUnavailable)) throw error;
    }
  }
  return runWithExecFile(file, args, options);
}

async function runThroughSpawner(spawner: ProcessSpawner, file: string, args: readonly string[], options: RunProgramOptions): Promise<string> {
  const command = `exec ${[file, ...args].map(shellQuote).join(" ")}`;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let bytes = 0;
  let killedFor: string | null = null;
  let pid = 0;
  const killGroup = () => {
    if (pid <= 1) return; // The spawner never reports one; -0 would be this server's own group.
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  // Output can come before spawn() resolves with the pid: the kill then waits for it.
  const kill = (reason: string) => {
    if (killedFor !== null) return;
    killedFor = reason;
    killGroup();
  };
  const spawned = await spawner.spawn({ cwd: options.cwd ?? process.cwd(), command, env: options.env }, (stream, chunk) => {
    bytes += chunk.length;
    if (bytes > MAX_OUTPUT_BYTES) return kill(`printed more than ${MAX_OUTPUT_BYTES} bytes`);
    (stream === "stdout" ? out : err).push(chunk);
  });
  pid = spawned.pid;
  if (killedFor !== null) killGroup();
  const timer = options.timeoutMs === undefined ? null : setTimeout(() => kill("timed out"), options.timeoutMs);
  const end = await spawned.ended.finally(() => timer && clearTimeout(timer));
  const stdout = Buffer.concat(out).toString("utf8");
  const stderr = Buffer.concat(err).toString("utf8");
  if ("exitCode" in end && end.exitCode === 0 && killedFor === null) return stdout;
  const code = "exitCode" in end ? end.exitCode : null;
  const why = killedFor ?? ("failure" in end ? end.failure : `exit code ${code}`);
  throw new ProgramFailed(`${file} ${args[0] ?? ""}: ${why}${stderr.trim() ? `\n${stderr.trim()}` : ""}`, stdout, stderr, code, killedFor !== null);
}

function runWithExecFile(file: string, args: readonly string[], options: RunProgramOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, maxBuffer: MAX_OUTPUT_BYTES, timeout: options.timeoutMs ?? 0, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const killed = (error as { killed?: boolean }).killed === true;
        const code = typeof error.code === "number" ? error.code : null;
        reject(new ProgramFailed(error.message, stdout, stderr, code, killed));
      },
    );
  });
}
