import childProcess from "node:child_process";
import { createRequire, syncBuiltinESMExports } from "node:module";
import util from "node:util";
import { ProcessSpawner } from "../server/executors/process-spawner";

/**
 * `LATENCY_TRACE=1 npx tsx bench/bench-latency.ts [--docker]`: where one delivery's time goes.
 * Every Docker Engine API call (through docker-modem), every child process the server starts and
 * every command its process-spawner helpers start (git, sh) is recorded with its start and end
 * in ms after the delivery was sent. A bench tool only: it wraps the modules in this process,
 * so it must never be imported by the server.
 */
export class LatencyTrace {
  private events: { t: number; what: string }[] = [];
  private t0 = 0;

  /** Forgets what came before: the delivery is being sent now. */
  begin(): void {
    this.events = [];
    this.t0 = performance.now();
  }

  mark(what: string, at = performance.now()): void {
    this.events.push({ t: at, what });
  }

  span(what: string, started: number): void {
    this.mark(`${what} (${(performance.now() - started).toFixed(0)} ms)`, started);
  }

  text(): string {
    return [...this.events]
      .sort((a, b) => a.t - b.t)
      .map((e) => `${(e.t - this.t0).toFixed(0).padStart(6)}  ${e.what}`)
      .join("\n");
  }
}

type Dial = (options: { method: string; path: string }, callback: (error: unknown, data: unknown) => void) => unknown;
type Spawner = (...args: unknown[]) => childProcess.ChildProcess;

export function installLatencyTrace(): LatencyTrace {
  const trace = new LatencyTrace();
  const require = createRequire(import.meta.url);
  const modem = (require("docker-modem") as { prototype: { dial: Dial } }).prototype;
  const dial = modem.dial;
  modem.dial = function (this: unknown, options, callback) {
    const started = performance.now();
    const call = `docker ${options.method} ${options.path.replace(/[0-9a-f]{64}/g, "<id>").replace(/\?.*/, "")}`;
    return dial.call(this, options, (error, data) => {
      // For a streamed answer (logs, attach) this is when its headers came.
      trace.span(call, started);
      callback(error, data);
    });
  };
  const module = childProcess as unknown as Record<"spawn" | "execFile", Spawner>;
  for (const name of ["spawn", "execFile"] as const) {
    const original = module[name];
    const traced: Spawner = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      const argv = Array.isArray(args[1]) ? (args[1] as string[]).filter((a) => !a.startsWith("/")).slice(0, 3) : [];
      const child = original.apply(this, args);
      child.once("exit", () => trace.span(`${String(args[0])} ${argv.join(" ")}`, started));
      return child;
    };
    module[name] = traced;
  }
  const spawnThroughHelper = ProcessSpawner.prototype.spawn;
  ProcessSpawner.prototype.spawn = async function (this: ProcessSpawner, request, onOutput) {
    const started = performance.now();
    const what = `helper: ${request.command.replace(/'/g, "").replace(/\/[^ ]*\//g, "…/").slice(0, 60)}`;
    const spawned = await spawnThroughHelper.call(this, request, onOutput);
    void spawned.ended.then(() => trace.span(what, started));
    return spawned;
  };
  // promisify(execFile) resolves { stdout, stderr } through this symbol, as the original does.
  const execFile = module.execFile;
  (execFile as unknown as Record<symbol, unknown>)[util.promisify.custom] = (...args: unknown[]) =>
    new Promise((resolve, reject) => {
      execFile(...args, (error: Error | null, stdout: string, stderr: string) => (error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr })));
    });
  syncBuiltinESMExports();
  return trace;
}
