import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Starts commands through a long-lived helper process of a few MB, because a fork copies the page
 * tables of the process that forks: from the server (100+ MB with tsx, SQLite and the tree) each
 * `spawn` costs several ms of the event loop; from the helper, a fraction of one. The helper
 * starts `sh -c`, relays its output and reports its exit. One protocol, two implementations:
 *
 *   native  `process-spawner.c`, built into `.baton-native/process-spawner` at install when a C
 *           compiler exists (scripts/build-native-spawner.mjs): posix_spawn, whose vfork-style
 *           child copies no page tables, and a poll loop; used whenever it is built.
 *   perl    `process-spawner.pl`, only modules of perl-base: fork and select; used otherwise.
 *
 * Their frames and invariants are the same; both close any descriptor above 2 they inherited
 * without close-on-exec, so commands never get one of the server's.
 *
 * Without either, the helper counts as unable to start (SpawnerUnavailable) and the caller spawns
 * commands itself.
 *
 * Either is started with drainMs as its one argument and an empty environment. Protocol, over
 * the helper's stdin and stdout (integers big-endian):
 *
 *   server → helper   u32 length, then `S \0 id \0 cwd \0 command \0 KEY=VALUE \0 …` (length bytes)
 *   helper → server   u32 id, u8 type, u32 length, then length bytes of payload:
 *     H  hello, once at start (id 0, payload the helper's pid); requests are held until it comes
 *     P  started, sent once the exec of /bin/sh succeeded (so its session and process group exist
 *        and /proc/<pid>/environ is the command's): payload the pid, which is also the group
 *     O  bytes of the command's stdout       E  bytes of its stderr
 *     X  ended: payload the exit code, 128 + n when signal n ended it; the last frame of an id
 *     F  could not start (chdir, pipe, fork or exec failed): payload the reason; instead of P and X
 *
 * X comes once the shell was reaped and its pipes reached EOF, or `drainMs` after it was
 * reaped while a background child still held them; the helper then SIGKILLs the group. Output is
 * read from commands only while less than 4 MiB waits to reach the server, so a flood backs up
 * into the command's pipe, not into memory. Stdout pipes (of up to 16 commands at once, and the
 * helper's own) are widened to 1 MiB where the kernel allows, so a flood moves in few large reads; O and E frames reach
 * `onOutput` in the pieces the server reads them in. Signals are sent by the server itself, to the group.
 * On EOF of its stdin the helper exits and leaves running commands alone (a restart finds them by
 * pid). If the helper dies, its commands are SIGKILLed and end as `failure`.
 */

export interface SpawnRequest {
  cwd: string;
  command: string;
  /** The command's whole environment. */
  env: Record<string, string>;
}

export type SpawnOutput = (stream: "stdout" | "stderr", chunk: Buffer) => void;

/** How a command ended: its exit code, or why it could not be followed to its end (the helper died). */
export type SpawnEnd = { exitCode: number } | { failure: string };

export interface SpawnedProcess {
  pid: number;
  /** Resolves after the last of the command's output went to `onOutput`. Never rejects. */
  ended: Promise<SpawnEnd>;
}

/** The helper could not start: nothing was run, the caller may start the command another way. */
export class SpawnerUnavailable extends Error {
  override name = "SpawnerUnavailable";
}

/** The helper's implementations, which speak the same protocol. */
export type SpawnerHelper = "native" | "perl";

export interface ProcessSpawnerOptions {
  /** How long output may keep flowing after the shell exited (a background child holding the pipe). */
  drainMs: number;
  /**
   * Which helper to run; by default the native one when it is built, else the Perl one. Given
   * `perl` but no `helper`, the Perl helper.
   */
  helper?: SpawnerHelper;
  /** The Perl interpreter; by default the first of /usr/bin/perl, /bin/perl, /usr/local/bin/perl. */
  perl?: string;
  /** How long the helper may take to say hello before it counts as unable to start. */
  helloTimeoutMs?: number;
}

const SCRIPT = fileURLToPath(new URL("./process-spawner.pl", import.meta.url));
/** Where scripts/build-native-spawner.mjs puts the native helper, under the project root. */
export const NATIVE_HELPER = fileURLToPath(new URL("../../.baton-native/process-spawner", import.meta.url));
const PERL_CANDIDATES = ["/usr/bin/perl", "/bin/perl", "/usr/local/bin/perl"];
const HEADER_BYTES = 9;

interface PendingStart {
  onOutput: SpawnOutput;
  resolve: (spawned: SpawnedProcess) => void;
  reject: (error: Error) => void;
}

interface Running {
  pid: number;
  onOutput: SpawnOutput;
  resolve: (end: SpawnEnd) => void;
}

export class ProcessSpawner {
  private child: ChildProcess | null = null;
  private state: "idle" | "starting" | "ready" | "dead" | "closed" = "idle";
  private nextId = 1;
  private readonly starting = new Map<number, PendingStart>();
  private readonly running = new Map<number, Running>();
  /** Requests not yet written: until the helper's hello, or until the current tick ends (one write for a burst). */
  private held: { id: number; frame: Buffer }[] = [];
  private writeScheduled = false;
  private helloTimer: NodeJS.Timeout | null = null;
  private referenced = true;

  // Frame parser state: a header being filled, then `bodyLeft` bytes of the body of frame `bodyId`.
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private bodyLeft = 0;
  private bodyId = 0;
  private bodyType = "";
  private bodyParts: Buffer[] = [];

  /** Called once when the helper dies or cannot start; the spawner is unusable afterwards. */
  onDeath: ((reason: string) => void) | null = null;

  constructor(private readonly options: ProcessSpawnerOptions) {}

  /** The helper's pid while it runs. */
  get pid(): number | null {
    return this.state === "starting" || this.state === "ready" ? (this.child?.pid ?? null) : null;
  }

  /** True until the helper died or failed to start: spawn may still succeed. */
  get usable(): boolean {
    return this.state !== "dead" && this.state !== "closed";
  }

  /**
   * Starts `sh -c command` through the helper. Rejects with SpawnerUnavailable when the helper
   * could not start (nothing ran), with another Error when the command could not be started.
   */
  spawn(request: SpawnRequest, onOutput: SpawnOutput): Promise<SpawnedProcess> {
    if (!this.usable) return Promise.reject(new SpawnerUnavailable("the process spawner is not running"));
    const fields = ["S", "", path.resolve(request.cwd), request.command];
    for (const [key, value] of Object.entries(request.env)) fields.push(`${key}=${value}`);
    if (fields.some((field) => field.includes("\0"))) {
      return Promise.reject(new Error("the command or its environment contains a NUL byte"));
    }
    const id = this.nextId++;
    fields[1] = String(id);
    const payload = Buffer.from(fields.join("\0"));
    const frame = Buffer.allocUnsafe(4 + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    payload.copy(frame, 4);
    return new Promise<SpawnedProcess>((resolve, reject) => {
      this.starting.set(id, { onOutput, resolve, reject });
      this.updateRef();
      if (this.state === "idle") this.launch();
      this.held.push({ id, frame });
      if (this.state === "ready") this.scheduleWrite();
    });
  }

  /** Stops following: the helper exits on EOF, commands keep running, pending ends never resolve. */
  close(): void {
    if (this.state === "closed") return;
    const wasRunning = this.state === "starting" || this.state === "ready";
    this.state = "closed";
    if (this.helloTimer) clearTimeout(this.helloTimer);
    for (const pending of this.starting.values()) pending.reject(new Error("the executor closed"));
    this.starting.clear();
    this.running.clear();
    this.held = [];
    if (wasRunning && this.child) {
      this.child.stdin?.end();
      this.setRef(false);
    }
  }

  private launch(): void {
    this.state = "starting";
    const helper = this.options.helper ?? (this.options.perl === undefined && nativeHelperBuilt() ? "native" : "perl");
    let file: string;
    let args: string[];
    if (helper === "native") {
      if (!nativeHelperBuilt()) {
        queueMicrotask(() => this.die(`the native process spawner is not built (${NATIVE_HELPER})`));
        return;
      }
      [file, args] = [NATIVE_HELPER, [String(this.options.drainMs)]];
    } else {
      const perl = this.options.perl ?? PERL_CANDIDATES.find((candidate) => fs.existsSync(candidate));
      if (!perl) {
        queueMicrotask(() => this.die("no perl interpreter found"));
        return;
      }
      [file, args] = [perl, [SCRIPT, String(this.options.drainMs)]];
    }
    let child: ChildProcess;
    try {
      // No environment: the helper needs none, and each command gets exactly its own. Its own
      // session, so a Ctrl-C meant for the server's terminal does not take it down first; it
      // exits when the server does, as its stdin closes.
      child = spawn(file, args, { stdio: ["pipe", "pipe", "inherit"], env: {}, detached: true });
    } catch (error) {
      queueMicrotask(() => this.die(`could not start the ${helper} process spawner: ${(error as Error).message}`));
      return;
    }
    this.child = child;
    child.stdin!.on("error", () => undefined); // EPIPE once the helper is gone; its death is handled below.
    child.stdout!.on("data", (chunk: Buffer) => this.onData(chunk));
    child.once("error", (error) => this.die(`process spawner: ${error.message}`));
    child.once("close", (code, signal) => this.die(`the process spawner exited (${signal ?? `exit code ${code}`})`));
    this.helloTimer = setTimeout(() => {
      child.kill("SIGKILL");
      this.die("the process spawner did not start in time");
    }, this.options.helloTimeoutMs ?? 5000);
    this.helloTimer.unref();
    this.referenced = true;
    this.updateRef();
  }

  private scheduleWrite(): void {
    if (this.writeScheduled) return;
    this.writeScheduled = true;
    process.nextTick(() => {
      this.writeScheduled = false;
      if (this.state !== "ready" || this.held.length === 0) return;
      this.child!.stdin!.write(this.held.length === 1 ? this.held[0]!.frame : Buffer.concat(this.held.map((h) => h.frame)));
      this.held = [];
    });
  }

  private onData(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLeft === 0) {
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill < HEADER_BYTES) return;
        this.headerFill = 0;
        this.bodyId = this.header.readUInt32BE(0);
        this.bodyType = String.fromCharCode(this.header[4]!);
        this.bodyLeft = this.header.readUInt32BE(5);
        if (this.bodyLeft === 0) this.onFrame(this.bodyId, this.bodyType, Buffer.alloc(0));
        continue;
      }
      const take = Math.min(this.bodyLeft, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      at += take;
      this.bodyLeft -= take;
      if (this.bodyType === "O" || this.bodyType === "E") {
        // Output goes on as it is read, piece by piece: the sink buffers, so copying a frame
        // together first would only cost a copy of every byte.
        this.onFrame(this.bodyId, this.bodyType, piece);
        continue;
      }
      if (this.bodyLeft > 0) {
        this.bodyParts.push(piece);
        continue;
      }
      let body = piece;
      if (this.bodyParts.length > 0) {
        this.bodyParts.push(piece);
        body = Buffer.concat(this.bodyParts);
        this.bodyParts = [];
      }
      this.onFrame(this.bodyId, this.bodyType, body);
    }
  }

  private onFrame(id: number, type: string, body: Buffer): void {
    switch (type) {
      case "O":
      case "E":
        // Both helpers send P before any output of its id; a frame for a start not yet confirmed is still delivered.
        (this.running.get(id) ?? this.starting.get(id))?.onOutput(type === "O" ? "stdout" : "stderr", body);
        return;
      case "H":
        if (this.state !== "starting") return;
        this.state = "ready";
        if (this.helloTimer) clearTimeout(this.helloTimer);
        this.scheduleWrite();
        return;
      case "P": {
        const pending = this.starting.get(id);
        if (!pending) return;
        this.starting.delete(id);
        const pid = Number(body.toString("latin1"));
        // Never 0 or 1: a kill of the process group -pid must not reach the server's own group or every process.
        if (!Number.isInteger(pid) || pid <= 1) {
          pending.reject(new Error(`the process spawner reported an invalid pid ${JSON.stringify(body.toString("latin1").slice(0, 20))}`));
          return;
        }
        const ended = new Promise<SpawnEnd>((resolve) => this.running.set(id, { pid, onOutput: pending.onOutput, resolve }));
        pending.resolve({ pid, ended });
        return;
      }
      case "F": {
        const pending = this.starting.get(id);
        if (!pending) return;
        this.starting.delete(id);
        pending.reject(new Error(body.toString("utf8")));
        this.updateRef();
        return;
      }
      case "X": {
        const run = this.running.get(id);
        if (!run) return;
        this.running.delete(id);
        run.resolve({ exitCode: Number(body.toString("latin1")) });
        this.updateRef();
        return;
      }
      default:
        return;
    }
  }

  private die(reason: string): void {
    if (this.state === "dead" || this.state === "closed") return;
    this.state = "dead";
    if (this.helloTimer) clearTimeout(this.helloTimer);
    const unsent = new Set(this.held.map((h) => h.id));
    this.held = [];
    for (const [id, pending] of this.starting) {
      // A request never written cannot have run; one written may have been forked just before the end.
      pending.reject(unsent.has(id) ? new SpawnerUnavailable(reason) : new Error(`${reason} before it reported the command's start`));
    }
    this.starting.clear();
    for (const run of this.running.values()) {
      // Its output can no longer be read: stop it rather than let it run unobserved.
      try {
        process.kill(-run.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
      run.resolve({ failure: `${reason} while the command ran; the command was killed` });
    }
    this.running.clear();
    this.child?.kill("SIGKILL");
    this.setRef(false);
    this.onDeath?.(reason);
  }

  /** The helper keeps the event loop alive only while it has work, as a child process would. */
  private updateRef(): void {
    if (this.state === "starting" || this.state === "ready") this.setRef(this.starting.size + this.running.size > 0);
  }

  private setRef(on: boolean): void {
    if (!this.child || this.referenced === on) return;
    this.referenced = on;
    const handles = [this.child, this.child.stdin as Socket | null, this.child.stdout as Socket | null];
    for (const handle of handles) {
      if (on) handle?.ref();
      else handle?.unref();
    }
  }
}

/** True when the native helper is built and executable. */
export function nativeHelperBuilt(): boolean {
  try {
    fs.accessSync(NATIVE_HELPER, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
