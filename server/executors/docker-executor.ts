import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { Duplex, Readable } from "node:stream";
import type Docker from "dockerode";
import { Label, createDockerClient, describeEngineError, isEngineUnreachable, isNotFound } from "./docker-client";
import type { ContainerKind } from "./docker-client";
import { DockerImages, pinCommit, writeRepoArchive } from "./docker-images";
import type { PreparedRepo, ResolvedImage } from "./docker-images";
import { OutputDemuxer } from "./docker-output";
import { WARM_KIND, WarmContainers, WarmLabel, launchScript } from "./warm-containers";
import type { WarmContainer, WarmSpec } from "./warm-containers";
import { WorkerError } from "./executor";
import type { ExecRequest, Executor, ExitInfo, OutputSink, PipelineSource, RunHandle } from "./executor";

/**
 * Runs each attempt in a container of the Docker engine (DESIGN §4), through the Engine API.
 *
 * - One container per attempt: `/bin/sh -c <command>` under the engine's init (so SIGTERM reaches
 *   the command), working directory `/workspace`, environment exactly the request's `env` on top
 *   of the image's own (its `PATH`); the server's environment never reaches it. Labelled with the
 *   instance, pipeline, node path and attempt; removed once its output went to the sink, before
 *   the exit promise resolves.
 * - Output is read from the container's log (`logs?follow`), not its attach stream, so that a
 *   restarted server reading the same log can skip exactly the bytes already stored (`seenBytes`
 *   counts stdout and stderr payload; `system` lines are not part of it).
 * - `copyRepo`: see DockerImages — one snapshot image per (pipeline, base image), each attempt a
 *   fresh container (its own overlay layer) of it; an attempt whose copy is its own (`ownRepoCopy`,
 *   a shared container) gets the archive put into its container before it starts instead.
 * - `containerKey` (a `sameContainer` Serial): one long-lived container per (pipeline, key),
 *   created on first use; each attempt is a `docker exec` in it, in its own process group so kill
 *   reaches all of it. Removed by `releasePipeline`.
 * - The generate step needs the Baton installation (node_modules/tsx, shared/sdk) inside its
 *   container, because the engine sets `NODE_OPTIONS=--import=<host path>/shared/sdk/register.mjs`.
 *   The request carries the path to mount as `env.BATON_SDK_MOUNT` (the interface has no field for
 *   it): that path is bind-mounted read-only at the same absolute path, and the variable itself is
 *   not passed into the container. `options.mounts` does the same for every container.
 * - Generate steps (`ownRepoCopy`) take a pre-started warm container when one fits (see
 *   WarmContainers): the repository is put into it, then the command replaces its idle shell, so
 *   the attempt is followed, killed and re-attached exactly like its own container would be. A
 *   taken warm container carries no pipeline label (labels are fixed at creation): the executor
 *   keeps which pipeline it serves, and a restart finds it by the attempt's ref.
 * - A new container's output is followed through an attach made before it starts (no output is
 *   missed, none waits for a log request); the log is what a restart and a broken stream read.
 */

export interface DockerExecutorOptions {
  /** Names this server in the labels; a restart with the same id finds its containers again. */
  instanceId: string;
  /** SIGTERM, then SIGKILL after this long (rounded up to whole seconds, as the engine counts). */
  killGraceMs?: number;
  /** The image of a request with none. */
  defaultImage?: string;
  /** Where the per-pipeline repository archives live. */
  dataDir: string;
  /** Host paths bind-mounted read-only at the same path in every container. */
  mounts?: string[];
  /** `unix:///path` or `tcp://host:port`; otherwise `DOCKER_HOST` or the default socket. */
  dockerHost?: string;
  /** How long an attempt that cannot start because the engine does not answer waits for it (default 30 s). */
  engineWaitMs?: number;
  /** Keep a pre-started container ready for generate steps (default true); the first one is of `defaultImage`. */
  warmGenerate?: boolean;
  /** Host paths a generate step mounts (its `BATON_SDK_MOUNT`), so that the first warm container fits it. */
  generateMounts?: string[];
}

/** The request variable naming a host path to bind-mount read-only at the same path (see above). */
export const SDK_MOUNT_VAR = "BATON_SDK_MOUNT";

const WORKDIR = "/workspace";
const FULL_SHA = /^[0-9a-f]{40}$/;
const SHARED_KEEPALIVE = "while :; do sleep 3600; done";
/** Runs an exec attempt in its own process group and records its pid, so kill can signal the group. */
const EXEC_WRAPPER = '(echo $$ > "$2.pid") 2>/dev/null; /bin/sh -c "$1"; c=$?; (echo $c > "$2.exit") 2>/dev/null; exit $c';

interface Run {
  finished: boolean;
  /** Set by close(): stop following, resolve nothing, kill nothing. */
  detached: boolean;
  released: boolean;
  stream: Readable | null;
  pipelineId: string;
  detach(): void;
}

export class DockerExecutor implements Executor {
  readonly name = "docker" as const;
  private readonly docker: Docker;
  private readonly images: DockerImages;
  private readonly instanceId: string;
  private readonly killGraceMs: number;
  private readonly defaultImage: string;
  private readonly dataDir: string;
  private readonly mounts: string[];
  /** Prepared pipelines: their repository, or null for a pipeline with none. */
  private readonly repos = new Map<string, PreparedRepo | null>();
  private readonly shared = new Map<string, { pipelineId: string; container: Promise<string> }>();
  private readonly runs = new Set<Run>();
  /** Containers of attempts that ended worker_error while the engine was unreachable: removed once it answers. */
  private readonly leftBehind = new Set<string>();
  private readonly engineWaitMs: number;
  /** Null when warm containers are off. */
  private readonly warm: WarmContainers | null;
  /** Taken warm containers running an attempt, by id: the pipeline each serves (they have no pipeline label). */
  private readonly taken = new Map<string, string>();
  private closed = false;

  constructor(options: DockerExecutorOptions) {
    this.instanceId = options.instanceId;
    this.killGraceMs = options.killGraceMs ?? 10_000;
    this.defaultImage = options.defaultImage ?? "node:20";
    this.dataDir = options.dataDir;
    this.mounts = options.mounts ?? [];
    this.docker = createDockerClient(options.dockerHost);
    this.images = new DockerImages(this.docker, this.instanceId);
    this.engineWaitMs = options.engineWaitMs ?? 30_000;
    this.warm = options.warmGenerate === false ? null : new WarmContainers(this.docker, this.instanceId, { workdir: WORKDIR });
    if (this.warm) {
      const binds = [...new Set([...this.mounts, ...(options.generateMounts ?? [])])].flatMap((path) => readOnlyBind(path) ?? []);
      void this.warm.prepareNamed(this.defaultImage, binds);
    }
  }

  /** True when a Docker engine answers within `timeoutMs`. */
  static async probe(options: { dockerHost?: string; timeoutMs?: number } = {}): Promise<boolean> {
    try {
      const client = createDockerClient(options.dockerHost);
      // dockerode honours `abortSignal` on ping; its type declarations do not list it.
      const ping = client.ping.bind(client) as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal: AbortSignal.timeout(options.timeoutMs ?? 1000) });
      return true;
    } catch {
      return false;
    }
  }

  /** What labels this executor's idle warm containers: `cleanupOrphans({ keepWarmOwner })` keeps them. Null when there are none. */
  get warmOwner(): string | null {
    return this.warm?.owner ?? null;
  }

  /** Images built from Dockerfiles by this executor so far (found already built ones not counted). */
  get buildsStarted(): number {
    return this.images.buildsStarted;
  }

  async preparePipeline(source: PipelineSource, sink: OutputSink): Promise<void> {
    if (!source.repoDir) {
      this.repos.set(source.pipelineId, null);
      return;
    }
    let sha: string;
    try {
      // A full sha needs no lookup: `git archive` below fails with git's reason when it is not there.
      sha = source.sha && FULL_SHA.test(source.sha) ? source.sha : await pinCommit(source.repoDir, source.sha);
    } catch (error) {
      throw new WorkerError(`The commit ${source.sha ?? "HEAD"} of ${source.repoDir} cannot be read: ${(error as Error).message}`);
    }
    const dir = this.pipelineDir(source.pipelineId);
    const archivePath = join(dir, `${sha}.tar`);
    if (!existsSync(archivePath)) {
      await mkdir(dir, { recursive: true });
      const partial = `${archivePath}.${process.pid}.partial`;
      try {
        await writeRepoArchive(source.repoDir, sha, partial);
        await rename(partial, archivePath);
      } catch (error) {
        await rm(partial, { force: true });
        throw new WorkerError(`The repository at ${sha.slice(0, 12)} could not be archived: ${(error as Error).message}`);
      }
      system(sink, `repository ${source.repoDir} at ${sha.slice(0, 12)} archived for the pipeline's containers`);
    }
    this.repos.set(source.pipelineId, { pipelineId: source.pipelineId, repoDir: source.repoDir, sha, archivePath });
  }

  /**
   * Starts an attempt. When it cannot start because the engine does not answer (stopped,
   * restarting), the attempt waits for the engine — holding its slot, so the queue behind it
   * waits too instead of failing node after node — and starts once it answers; after
   * `engineWaitMs` without an answer it is a worker_error.
   */
  async start(request: ExecRequest, sink: OutputSink): Promise<RunHandle> {
    for (let waited = false; ; waited = true) {
      if (this.closed) throw new WorkerError("The docker executor is closed");
      try {
        return await this.startOnce(request, sink);
      } catch (error) {
        if (waited || this.closed || (await this.answers())) throw error;
        system(sink, `the Docker engine does not answer; waiting up to ${Math.round(this.engineWaitMs / 1000)} s for it`);
        if (!(await this.waitForEngine(this.engineWaitMs))) throw error;
        // A create the outage cut short may have made a container the attempt never saw.
        await this.removeAttemptContainers(request.attemptId).catch(() => undefined);
        system(sink, "the Docker engine answers again");
      }
    }
  }

  private async startOnce(request: ExecRequest, sink: OutputSink): Promise<RunHandle> {
    if (request.containerKey) return this.startInShared(request, sink);

    const repo = this.repoFor(request);
    const image = await this.images.resolve(request.image, this.defaultImage, repo, sink, request.ownRepoCopy === true);
    const { env, binds } = this.environment(request);
    if (request.ownRepoCopy && this.warm) {
      const spec: WarmSpec = { ref: image.ref, id: image.id, binds, limits: limits(request) };
      const warm = await this.warm.take(spec);
      const handle = warm ? await this.startInWarm(warm, image.repoArchive ?? null, env, request, sink) : null;
      if (handle) {
        if (image.repoArchive && repo) this.images.snapshotAhead(image, repo);
        return handle;
      }
    }
    return this.startOwn(request, sink, image, repo, env, binds);
  }

  private async startOwn(request: ExecRequest, sink: OutputSink, image: ResolvedImage, repo: PreparedRepo | null, env: string[], binds: string[]): Promise<RunHandle> {
    let container: Docker.Container | null = null;
    let output: Readable | null = null;
    try {
      container = await this.docker.createContainer({
        Image: image.ref,
        Entrypoint: ["/bin/sh", "-c"],
        Cmd: [request.command],
        WorkingDir: WORKDIR,
        Env: env,
        Labels: this.labels(request.pipelineId, "attempt", {
          [Label.node]: request.path,
          [Label.attempt]: String(request.attempt),
          [Label.attemptId]: request.attemptId,
        }),
        Tty: false,
        OpenStdin: false,
        HostConfig: {
          Init: true,
          Binds: binds,
          ...limits(request),
          // The log is what output is read from, now and after a restart: kept whole while the
          // container lives (it is removed as soon as its output is stored).
          LogConfig: { Type: "json-file", Config: {} },
        },
      });
      if (image.repoArchive) await container.putArchive(createReadStream(image.repoArchive), { path: "/" });
      output = await attachOutput(container, false);
      await container.start();
    } catch (error) {
      output?.destroy();
      if (container) await container.remove({ force: true }).catch(() => undefined);
      throw new WorkerError(`The container for ${request.path} could not start in ${image.ref}: ${describeEngineError(error)}`);
    }
    // Made while this attempt runs, not before it starts: the snapshot the pipeline's Execs will likely want.
    if (image.repoArchive && repo) this.images.snapshotAhead(image, repo);
    return this.followContainer(container.id, request, sink, 0, output);
  }

  /**
   * Runs the attempt in a taken warm container: the repository put in, then the launch script
   * written to its idle shell. Null (the container removed) when it cannot serve the attempt
   * before the command was given to it: the caller starts the attempt's own container instead.
   */
  private async startInWarm(warm: WarmContainer, repoArchive: string | null, env: string[], request: ExecRequest, sink: OutputSink): Promise<RunHandle | null> {
    const container = this.docker.getContainer(warm.id);
    const script = launchScript(request.command, env, warm.imageEnv, WORKDIR);
    let output: Duplex | null = null;
    try {
      if (!script) throw new Error("an environment variable name a shell cannot export");
      if (!(await container.inspect()).State.Running) throw new Error("the warm container is not running");
      const [attached] = await Promise.all([
        attachOutput(container, true),
        repoArchive ? container.putArchive(createReadStream(repoArchive), { path: "/" }) : undefined,
      ]);
      output = attached;
      if (this.closed) throw new Error("closed");
      await new Promise<void>((resolve, reject) => output!.write(script, (error) => (error ? reject(error) : resolve())));
    } catch {
      output?.destroy();
      await removeContainer(this.docker, warm.id).catch(() => undefined);
      return null;
    }
    // Closing stdin: the shell has its whole script; StdinOnce gives it end-of-file.
    output.end();
    this.taken.set(warm.id, request.pipelineId);
    return this.followContainer(warm.id, request, sink, 0, output);
  }

  async reattach(ref: string, request: ExecRequest, sink: OutputSink, seenBytes: number): Promise<RunHandle | null> {
    if (this.closed) throw new WorkerError("The docker executor is closed");
    const execRef = parseExecRef(ref);
    const containerId = execRef?.containerId ?? ref;
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(containerId).inspect();
    } catch (error) {
      if (isNotFound(error)) return null;
      // Not known to be gone: the engine did not answer. The attempt cannot be followed now, and its container goes once the engine is back.
      if (!execRef) this.removeWhenBack(containerId);
      return finishedHandle(ref, { exitCode: null, workerError: describeEngineError(error) });
    }
    const labels = info.Config.Labels ?? {};
    // A taken warm container has no pipeline or attempt label: the attempt's own ref names it.
    const warm = !execRef && labels[Label.kind] === WARM_KIND;
    if (labels[Label.instance] !== this.instanceId || (!warm && labels[Label.pipeline] !== request.pipelineId)) return null;
    if (execRef) return this.reattachExec(execRef, request, sink);
    if (!warm && labels[Label.attemptId] !== request.attemptId) return null;
    if (warm) this.taken.set(containerId, request.pipelineId);
    return this.followContainer(containerId, request, sink, seenBytes);
  }

  async releasePipeline(pipelineId: string): Promise<void> {
    for (const run of this.runs) if (run.pipelineId === pipelineId) run.released = true;
    for (const [key, entry] of this.shared) if (entry.pipelineId === pipelineId) this.shared.delete(key);
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${Label.instance}=${this.instanceId}`, `${Label.pipeline}=${pipelineId}`] },
    });
    const taken = [...this.taken].flatMap(([id, pipeline]) => (pipeline === pipelineId ? [id] : []));
    await Promise.all([...containers.map((c) => c.Id), ...taken].map((id) => removeContainer(this.docker, id)));
    for (const id of taken) this.taken.delete(id);
    await this.images.removeSnapshots(pipelineId);
    await rm(this.pipelineDir(pipelineId), { recursive: true, force: true });
    this.repos.delete(pipelineId);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.runs) run.detach();
    this.runs.clear();
    await this.warm?.close();
  }

  // ---- one container per attempt -----------------------------------------------------------------

  private async readRest(container: Docker.Container, demuxer: OutputDemuxer, run: Run): Promise<void> {
    const logs = (await container.logs({ follow: false, stdout: true, stderr: true })) as unknown;
    if (run.detached) return;
    if (Buffer.isBuffer(logs)) demuxer.push(logs);
    else await consume(logs as Readable, (chunk) => demuxer.push(chunk));
  }

  /** `attached`: the container's output attached before it started, read before any log request. */
  private followContainer(containerId: string, request: ExecRequest, sink: OutputSink, skipBytes: number, attached: Readable | null = null): RunHandle {
    const container = this.docker.getContainer(containerId);
    let stop: Promise<"stopped" | "already"> | null = null;
    const run: Run = {
      finished: false,
      detached: false,
      released: false,
      stream: null,
      pipelineId: request.pipelineId,
      detach() {
        run.detached = true;
        run.stream?.destroy();
      },
    };
    this.runs.add(run);

    const follow = async (): Promise<ExitInfo> => {
      let demuxer = new OutputDemuxer(sink, skipBytes);
      let info: Docker.ContainerInspectInfo;
      for (let refollows = 0; ; refollows++) {
        try {
          const stream = attached ?? ((await container.logs({ follow: true, stdout: true, stderr: true })) as Readable);
          attached = null;
          run.stream = stream;
          if (run.detached) stream.destroy();
          await consume(stream, (chunk) => {
            if (!run.detached) demuxer.push(chunk);
          });
        } catch {
          // The stream broke or could not open: what the container is doing decides below.
        }
        run.stream = null;
        if (run.detached) return never();
        if (stop) await stop;
        try {
          info = await container.inspect();
        } catch (error) {
          if (isNotFound(error)) {
            if (run.released || stop) return { exitCode: null };
            return { exitCode: null, workerError: removedOutside(request) };
          }
          // The engine is gone: the attempt is a worker_error (a rerun runs it again), and its container must not outlive it.
          this.removeWhenBack(containerId);
          return { exitCode: null, workerError: describeEngineError(error) };
        }
        if (!info.State.Running && !info.State.Restarting) {
          // The container has ended: read its whole log once more and deliver what the follow
          // missed (a stream cut by a slow or restarting engine ends before the log does).
          await this.readRest(container, new OutputDemuxer(sink, demuxer.bytes), run).catch(() => undefined);
          break;
        }
        // The log stream ended while the container runs on (a broken connection): read on from
        // where it broke, skipping what was delivered.
        if (refollows >= 1000) return { exitCode: null, workerError: `The output of ${request.path} could not be followed` };
        await delay(200);
        demuxer = new OutputDemuxer(sink, demuxer.bytes);
      }
      // After close() nothing is removed or resolved: a restarted server re-attaches.
      if (run.detached) return never();
      const state = info.State;
      let exit: ExitInfo = { exitCode: state.ExitCode };
      if (stop && (await stop) === "stopped") exit = { exitCode: null };
      else if (run.released) exit = { exitCode: null };
      else if (state.Status === "removing" || state.Status === "dead") exit = { exitCode: null, workerError: removedOutside(request) };
      else if (state.OOMKilled) system(sink, `the container ran out of memory${request.mem ? ` (limit ${request.mem} GB)` : ""} and was killed`);
      await removeContainer(this.docker, containerId).catch((error: unknown) => {
        system(sink, `the container ${containerId.slice(0, 12)} could not be removed: ${describeEngineError(error)}`);
      });
      return exit;
    };

    const exit = follow()
      .catch((error: unknown): ExitInfo => ({ exitCode: null, workerError: describeEngineError(error) }))
      .then((result) => {
        run.finished = true;
        this.runs.delete(run);
        if (!run.detached) this.taken.delete(containerId);
        return result;
      });

    return {
      ref: containerId,
      exit,
      kill: () => {
        if (stop || run.finished || run.detached) return;
        const t = Math.ceil(this.killGraceMs / 1000);
        stop = container.stop({ t }).then(
          () => "stopped" as const,
          (error: unknown) => ((error as { statusCode?: number }).statusCode === 304 ? ("already" as const) : ("stopped" as const)),
        );
      },
    };
  }

  // ---- sameContainer: docker exec in one container per (pipeline, key) ---------------------------

  private async startInShared(request: ExecRequest, sink: OutputSink): Promise<RunHandle> {
    const containerId = await this.sharedContainer(request, sink);
    const { env } = this.environment(request);
    const fileBase = `/tmp/.baton-${safeName(request.attemptId)}`;
    let stream: Readable;
    let execId: string;
    try {
      const exec = await this.docker.getContainer(containerId).exec({
        Cmd: ["/bin/sh", "-c", EXEC_WRAPPER, "baton", request.command, fileBase],
        Env: env,
        WorkingDir: WORKDIR,
        AttachStdout: true,
        AttachStderr: true,
        AttachStdin: false,
        Tty: false,
      });
      execId = exec.id;
      stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
    } catch (error) {
      throw new WorkerError(`${request.path} could not start in its shared container: ${describeEngineError(error)}`);
    }
    return this.followExec({ containerId, execId, fileBase }, request, sink, stream);
  }

  private async reattachExec(ref: ExecRef, request: ExecRequest, sink: OutputSink): Promise<RunHandle | null> {
    const fileBase = `/tmp/.baton-${safeName(request.attemptId)}`;
    try {
      await this.docker.getExec(ref.execId).inspect();
    } catch (error) {
      if (!isNotFound(error)) return finishedHandle(encodeExecRef(ref), { exitCode: null, workerError: describeEngineError(error) });
      // The engine forgot the exec; the exit code the wrapper wrote says how it ended.
      const code = await this.readInContainer(ref.containerId, `${fileBase}.exit`);
      if (code === null || !/^\d+$/.test(code.trim())) return null;
      system(sink, "output this step printed while the server was down is not available (it ran in a shared container)");
      return finishedHandle(encodeExecRef(ref), { exitCode: Number(code.trim()) });
    }
    system(sink, "output this step prints after the server restarted is not available (it runs in a shared container)");
    return this.followExec({ ...ref, fileBase }, request, sink, null);
  }

  /** Follows an exec: its attach stream when there is one (a restart has none), then its exit code. */
  private followExec(ref: ExecRef & { fileBase: string }, request: ExecRequest, sink: OutputSink, stream: Readable | null): RunHandle {
    const exec = this.docker.getExec(ref.execId);
    let killed = false;
    let killTimer: NodeJS.Timeout | null = null;
    const run: Run = {
      finished: false,
      detached: false,
      released: false,
      stream,
      pipelineId: request.pipelineId,
      detach() {
        run.detached = true;
        run.stream?.destroy();
        if (killTimer) clearTimeout(killTimer);
      },
    };
    this.runs.add(run);

    const follow = async (): Promise<ExitInfo> => {
      if (stream) {
        const demuxer = new OutputDemuxer(sink);
        await consume(stream, (chunk) => demuxer.push(chunk)).catch(() => undefined);
        stream.destroy();
      }
      for (;;) {
        let info: Docker.ExecInspectInfo;
        try {
          info = await exec.inspect();
        } catch (error) {
          if (isNotFound(error)) return run.released || killed ? { exitCode: null } : { exitCode: null, workerError: `The shared container of ${request.path} disappeared` };
          return { exitCode: null, workerError: describeEngineError(error) };
        }
        if (!info.Running) return killed || run.released ? { exitCode: null } : { exitCode: info.ExitCode ?? null };
        await delay(stream ? 50 : 500);
        if (run.detached) return never();
      }
    };

    const exit = follow()
      .catch((error: unknown): ExitInfo => ({ exitCode: null, workerError: describeEngineError(error) }))
      .then((result) => {
        run.finished = true;
        if (killTimer) clearTimeout(killTimer);
        this.runs.delete(run);
        return result;
      });

    const signal = (name: "TERM" | "KILL") =>
      this.runInContainer(ref.containerId, ["/bin/sh", "-c", `p=$(cat "$1.pid" 2>/dev/null) && kill -${name} -"$p" 2>/dev/null`, "baton", ref.fileBase]);

    return {
      ref: encodeExecRef(ref),
      exit,
      kill: () => {
        if (killed || run.finished || run.detached) return;
        killed = true;
        void signal("TERM");
        killTimer = setTimeout(() => {
          if (!run.finished) void signal("KILL");
        }, this.killGraceMs);
        killTimer.unref();
      },
    };
  }

  /** The running shared container of (pipeline, containerKey): found, or created on first use. */
  private async sharedContainer(request: ExecRequest, sink: OutputSink): Promise<string> {
    const key = createHash("sha256")
      .update([this.instanceId, request.pipelineId, request.containerKey].join("\0"))
      .digest("hex")
      .slice(0, 32);
    let entry = this.shared.get(key);
    if (entry) {
      const id = await entry.container.catch(() => null);
      if (id && (await this.isRunning(id))) return id;
      if (id) system(sink, `the shared container ${id.slice(0, 12)} of ${request.containerKey} had stopped; a new one starts with a fresh filesystem`);
      if (this.shared.get(key) === entry) this.shared.delete(key);
    }
    entry = this.shared.get(key);
    if (!entry) {
      entry = { pipelineId: request.pipelineId, container: this.findOrCreateShared(key, request, sink) };
      this.shared.set(key, entry);
      const failed = entry;
      entry.container.catch(() => {
        if (this.shared.get(key) === failed) this.shared.delete(key);
      });
    }
    return entry.container;
  }

  private async findOrCreateShared(key: string, request: ExecRequest, sink: OutputSink): Promise<string> {
    let existing: Docker.ContainerInfo[];
    try {
      existing = await this.docker.listContainers({ all: true, filters: { label: [`${Label.sharedKey}=${key}`] } });
    } catch (error) {
      throw new WorkerError(describeEngineError(error));
    }
    const running = existing.find((c) => c.State === "running");
    for (const c of existing) if (c !== running) await removeContainer(this.docker, c.Id).catch(() => undefined);
    if (running) return running.Id;

    // One container for the whole Serial: its repository copy is its own.
    const image = await this.images.resolve(request.image, this.defaultImage, this.repoFor(request), sink, true);
    const { binds } = this.environment(request);
    let container: Docker.Container | null = null;
    try {
      container = await this.docker.createContainer({
        Image: image.ref,
        Entrypoint: ["/bin/sh", "-c"],
        Cmd: [SHARED_KEEPALIVE],
        WorkingDir: WORKDIR,
        Env: [],
        Labels: this.labels(request.pipelineId, "shared", { [Label.node]: request.containerKey ?? "", [Label.sharedKey]: key }),
        HostConfig: { Init: true, Binds: binds, ...limits(request), LogConfig: { Type: "json-file", Config: {} } },
      });
      if (image.repoArchive) await container.putArchive(createReadStream(image.repoArchive), { path: "/" });
      await container.start();
    } catch (error) {
      if (container) await container.remove({ force: true }).catch(() => undefined);
      throw new WorkerError(`The shared container of ${request.containerKey} could not start in ${image.ref}: ${describeEngineError(error)}`);
    }
    system(sink, `started shared container ${container.id.slice(0, 12)} for ${request.containerKey}`);
    return container.id;
  }

  // ---- the engine going away ----------------------------------------------------------------------

  private async answers(): Promise<boolean> {
    try {
      // dockerode honours `abortSignal` on ping; its type declarations do not list it.
      const ping = this.docker.ping.bind(this.docker) as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      return false;
    }
  }

  private async waitForEngine(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.closed) {
      await delay(500);
      if (await this.answers()) return true;
    }
    return false;
  }

  private async removeAttemptContainers(attemptId: string): Promise<void> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${Label.instance}=${this.instanceId}`, `${Label.attemptId}=${attemptId}`] } });
    await Promise.all(containers.map((c) => removeContainer(this.docker, c.Id)));
  }

  /** Removes a container once the engine answers again (tried every second for 10 minutes; a restart's cleanup does it otherwise). */
  private removeWhenBack(containerId: string): void {
    if (this.leftBehind.has(containerId)) return;
    this.leftBehind.add(containerId);
    const attempt = (n: number) => {
      removeContainer(this.docker, containerId).then(
        () => this.leftBehind.delete(containerId),
        () => {
          if (n < 600 && !this.closed) setTimeout(() => attempt(n + 1), 1_000).unref();
          else this.leftBehind.delete(containerId);
        },
      );
    };
    setTimeout(() => attempt(0), 1_000).unref();
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private repoFor(request: ExecRequest): PreparedRepo | null {
    const repo = this.repos.get(request.pipelineId);
    if (repo !== undefined) return repo;
    const needsRepo = request.image?.copyRepo || request.image?.dockerfile || request.image?.context;
    if (needsRepo) throw new WorkerError(`Pipeline ${request.pipelineId} was not prepared: its repository is not available to ${request.path}`);
    return null;
  }

  /** The container's environment (the request's, minus the mount instruction) and its read-only binds. */
  private environment(request: ExecRequest): { env: string[]; binds: string[] } {
    const mounts = new Set(this.mounts);
    const env: string[] = [];
    for (const [name, value] of Object.entries(request.env)) {
      if (name === SDK_MOUNT_VAR) {
        if (value) mounts.add(value);
      } else {
        env.push(`${name}=${value}`);
      }
    }
    const binds = [...mounts].map((path) => {
      const bind = readOnlyBind(path);
      if (!bind) throw new WorkerError(`Cannot mount ${path}: an absolute path without ':' is needed`);
      return bind;
    });
    return { env, binds };
  }

  private labels(pipelineId: string, kind: ContainerKind, extra: Record<string, string>): Record<string, string> {
    return { [Label.instance]: this.instanceId, [Label.pipeline]: pipelineId, [Label.kind]: kind, ...extra };
  }

  private pipelineDir(pipelineId: string): string {
    return join(this.dataDir, "docker-pipelines", safeName(pipelineId));
  }

  private async isRunning(containerId: string): Promise<boolean> {
    try {
      return (await this.docker.getContainer(containerId).inspect()).State.Running;
    } catch {
      return false;
    }
  }

  /** Runs a command in a container, its output discarded; resolves with its exit code (null when it could not run). */
  private async runInContainer(containerId: string, cmd: string[]): Promise<number | null> {
    try {
      const exec = await this.docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
      const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
      await consume(stream, () => undefined).catch(() => undefined);
      return (await exec.inspect()).ExitCode ?? null;
    } catch {
      return null;
    }
  }

  private async readInContainer(containerId: string, file: string): Promise<string | null> {
    try {
      const exec = await this.docker.getContainer(containerId).exec({ Cmd: ["cat", file], AttachStdout: true, AttachStderr: false, Tty: false });
      const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
      const chunks: Buffer[] = [];
      const demuxer = new OutputDemuxer((s, chunk) => {
        if (s === "stdout" && chunks.length < 16) chunks.push(chunk);
      });
      await consume(stream, (chunk) => demuxer.push(chunk));
      return (await exec.inspect()).ExitCode === 0 ? Buffer.concat(chunks).toString() : null;
    } catch {
      return null;
    }
  }
}

/**
 * Removes the containers labelled with this instance that no run is known to need: on start, the
 * server passes the refs of the attempts it re-attaches to, the pipelines still running (whose
 * shared containers stay) and its executor's `warmOwner` (whose idle warm containers stay). Returns
 * the ids removed.
 */
export async function cleanupOrphans(
  instanceId: string,
  options: { keepRefs?: Iterable<string>; keepPipelines?: Iterable<string>; keepWarmOwner?: string | null; dockerHost?: string } = {},
): Promise<string[]> {
  const docker = createDockerClient(options.dockerHost);
  const keep = new Set([...(options.keepRefs ?? [])].map((ref) => parseExecRef(ref)?.containerId ?? ref));
  const keepPipelines = new Set(options.keepPipelines ?? []);
  const containers = await docker.listContainers({ all: true, filters: { label: [`${Label.instance}=${instanceId}`] } });
  const removed: string[] = [];
  for (const c of containers) {
    if (keep.has(c.Id)) continue;
    if (c.Labels[Label.kind] === "shared" && keepPipelines.has(c.Labels[Label.pipeline] ?? "")) continue;
    if (c.Labels[Label.kind] === WARM_KIND && options.keepWarmOwner && c.Labels[WarmLabel.owner] === options.keepWarmOwner) continue;
    await removeContainer(docker, c.Id);
    removed.push(c.Id);
  }
  return removed;
}

interface ExecRef {
  containerId: string;
  execId: string;
}

function encodeExecRef(ref: ExecRef): string {
  return `exec:${ref.containerId}:${ref.execId}`;
}

function parseExecRef(ref: string): ExecRef | null {
  const match = /^exec:([0-9a-f]+):([0-9a-f]+)$/.exec(ref);
  return match ? { containerId: match[1]!, execId: match[2]! } : null;
}

function removedOutside(request: ExecRequest): string {
  return `The container of ${request.path} was removed outside Baton before it ended`;
}

function finishedHandle(ref: string, exit: ExitInfo): RunHandle {
  return { ref, exit: Promise.resolve(exit), kill: () => undefined };
}

function limits(request: ExecRequest): { NanoCpus?: number; Memory?: number } {
  return {
    ...(request.cpu ? { NanoCpus: Math.round(request.cpu * 1e9) } : {}),
    ...(request.mem ? { Memory: Math.round(request.mem * 1024 ** 3) } : {}),
  };
}

async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    // Gone already, or being removed by someone else.
    if (isNotFound(error) || (error as { statusCode?: number }).statusCode === 409) return;
    throw error;
  }
}

/** `path` bind-mounted read-only at the same path, or null when it is not absolute or holds the bind syntax's `:`. */
function readOnlyBind(path: string): string | null {
  return isAbsolute(path) && !path.includes(":") ? `${path}:${path}:ro` : null;
}

/** The container's stdout and stderr from now on (multiplexed as its log is), and its stdin when `stdin`. */
async function attachOutput(container: Docker.Container, stdin: boolean): Promise<Duplex> {
  return (await container.attach({ stream: true, stdout: true, stderr: true, stdin, hijack: true })) as unknown as Duplex;
}

/** Reads a stream to its end (or close), each chunk to `onChunk`. */
function consume(stream: Readable, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => onChunk(chunk));
    stream.once("end", () => resolve());
    stream.once("close", () => resolve());
    stream.once("error", (error) => (isEngineUnreachable(error) ? resolve() : reject(error)));
  });
}

function system(sink: OutputSink, line: string): void {
  sink("system", Buffer.from(`${line}\n`));
}

/** The exit of a run this executor stopped following: it never settles here. */
function never(): Promise<ExitInfo> {
  return new Promise<ExitInfo>(() => undefined);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A name safe in a path or a file name, still unique for distinct inputs. */
function safeName(value: string): string {
  const readable = value.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 40);
  return readable === value ? value : `${readable}-${createHash("sha256").update(value).digest("hex").slice(0, 12)}`;
}
