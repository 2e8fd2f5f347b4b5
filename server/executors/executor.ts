import type { ImageSpec } from "../../shared/pipeline/pipeline-schema";

/**
 * The one interface every engine runs commands through (DESIGN §4): `start` an attempt, an
 * output sink it writes to, an exit promise, and `kill`. Engines keep no pipeline state of their
 * own beyond what `ref` lets them find again after a restart.
 */

export type OutputStream = "stdout" | "stderr" | "system";

/** Receives output as it comes; called synchronously, so a sink that writes synchronously bounds memory. */
export type OutputSink = (stream: OutputStream, chunk: Buffer) => void;

/** The repository a pipeline runs at: a git repository (path or URL git understands) and a commit. */
export interface PipelineSource {
  pipelineId: string;
  /** A git repository on this machine (work tree or bare); null for a pipeline with no repository. */
  repoDir: string | null;
  sha: string | null;
}

export interface ExecRequest {
  pipelineId: string;
  /** Node path, e.g. `/Build/unit-tests`. */
  path: string;
  attempt: number;
  /** Unique per attempt; engines tag what they start with it so a restart can find it again. */
  attemptId: string;
  command: string;
  /** The node's environment: inherited env, image env, node env and the BATON_* variables. Nothing else. */
  env: Record<string, string>;
  /** Resolved image spec; null runs in the executor's default (the local executor ignores images). */
  image: ImageSpec | null;
  cpu: number | null;
  mem: number | null;
  /** Set for Execs under a `sameContainer` Serial: the Serial's path; attempts with the same key share one container. */
  containerKey: string | null;
  /**
   * No other attempt of the pipeline is expected in this image with the repository (the generate
   * step): an executor may copy the repository straight into this attempt's own container instead
   * of making a repository image for attempts to share.
   */
  ownRepoCopy?: boolean;
}

export interface ExitInfo {
  /** The command's exit code; null when it did not exit by itself (signal, could not run). */
  exitCode: number | null;
  /** Set when the command could not run or its worker died: the node becomes `worker_error`. */
  workerError?: string;
}

export interface RunHandle {
  /** What finds this run again after a restart (a container id, a process id). Persisted with the attempt. */
  ref: string;
  /** Resolves once the command has ended and all its output went to the sink. Never rejects. */
  exit: Promise<ExitInfo>;
  /** SIGTERM, then SIGKILL after the grace period. Safe to call more than once, and after exit. */
  kill(): void;
}

export interface Executor {
  readonly name: "local" | "docker";
  /** Makes the pipeline's workspace (checkout, repository image). Called once before its first attempt. */
  preparePipeline(source: PipelineSource, sink: OutputSink): Promise<void>;
  /** Starts an attempt. Rejects (with a message for the log) when it cannot run: the node becomes `worker_error`. */
  start(request: ExecRequest, sink: OutputSink): Promise<RunHandle>;
  /**
   * After a restart: finds the run `ref` names and follows it to its end, writing the output the
   * sink has not seen yet (`seenBytes` were already stored). Null when it is gone for good.
   */
  reattach(ref: string, request: ExecRequest, sink: OutputSink, seenBytes: number): Promise<RunHandle | null>;
  /** Frees what the pipeline held (workspace, containers of a sameContainer Serial). */
  releasePipeline(pipelineId: string): Promise<void>;
  /** Stops following runs without killing them (a restart re-attaches). */
  close(): Promise<void>;
}

export class WorkerError extends Error {
  override name = "WorkerError";
}
