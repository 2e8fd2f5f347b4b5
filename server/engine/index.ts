import { EventEmitter } from "node:events";
import crypto from "node:crypto";
import path from "node:path";
import type { PipelineListQuery } from "../../shared/api/api-contract";
import type { NodeAction } from "../../shared/api/node-actions";
import type { LogPage, PipelineDetail, PipelineSummary, StateCounts } from "../../shared/api/pipeline-views";
import type { NodeDelta } from "../../shared/api/socket-events";
import { NODE_STATES, isActive, isFailed, isTerminal, type NodeState } from "../../shared/pipeline/node-state";
import type { ImageSpec, PipelineNode } from "../../shared/pipeline/pipeline-schema";
import { parsePipelineJson } from "../../shared/pipeline/validate-pipeline";
import type { ExecRequest, Executor, ExitInfo, OutputSink, RunHandle } from "../executors/executor";
import { LogWriter, type LogWriterOptions } from "../logs/log-writer";
import { readLogPage, readLogText, readStreamText } from "../logs/log-reader";
import { toSummary, type PipelineRecord, type PipelineStore } from "../store/pipeline-store";
import type { EngineEvents } from "./engine-events";
import { ActionError, planAction } from "./controls";
import { execCounts, indexTree, toDetail, toNodeRow, type PipelineRun } from "./pipeline-run";
import {
  attachGenerateExecute,
  buildSubtree,
  effectiveParams,
  isSerialLike,
  newRuntimeNode,
  walk,
  type AttemptRecord,
  type NodeSpec,
  type RuntimeNode,
} from "./runtime-node";
import { SlotScheduler } from "./slot-scheduler";
import { countedState, recomputeSubtree, refreshAfterStructureChange, setExecState, setSkipped } from "./state-tree";

export { ActionError } from "./controls";

/** Most bytes of a generate step's stdout kept to parse as a pipeline. */
const MAX_GENERATED_BYTES = 64 * 1024 * 1024;

export interface EngineOptions {
  store: PipelineStore;
  executor: Executor;
  dataDir: string;
  maxParallel: number;
  /** Extra environment for generate steps (NODE_OPTIONS making "baton" importable, BATON_SDK_MOUNT). */
  generateEnv: Record<string, string>;
  /** Image of generate steps when the cfg names none. */
  generateImage: string | null;
  /** The secrets of a pipeline's nodes, read from the store at each attempt's start (never saved with the pipeline). */
  secrets?: SecretProvider;
}

export interface LaunchMeta {
  repo?: string | null;
  repoDir?: string | null;
  branch?: string | null;
  sha?: string | null;
  event?: string | null;
  section?: string | null;
  trigger: string;
  variables?: Record<string, string>;
  /** The delivery this launch processes: saved with the pipeline, in the same transaction. */
  deliveryId?: number | null;
  /** The registered repository the pipeline runs for, and whether its nodes get its secrets. */
  secrets?: { repositoryId: number; withheld: boolean };
}

/** The secrets of a repository's pipelines: the variables, and a masker of their values (null when none). */
export type SecretProvider = (repositoryId: number) => { env: Record<string, string>; masker: { session(): LineMasker } | null };
type LineMasker = NonNullable<LogWriterOptions["transformLine"]>;

interface AttemptSecrets {
  env: Record<string, string>;
  mask: LineMasker | undefined;
  /** The secrets could not be read (the key changed): the attempt ends as worker_error saying so. */
  error: Error | null;
}

export type LaunchSource =
  | { kind: "tree"; pipeline: PipelineNode }
  | { kind: "generate"; command: string; image?: string | null };

/**
 * The scheduler and state machine. Every change to a pipeline happens in one synchronous step
 * on the in-memory tree (so a kill racing an exit, or two reruns, cannot interleave), then is
 * committed to SQLite in one transaction and announced as one batch of events per tick.
 */
export class Engine extends EventEmitter<EngineEvents> {
  private readonly runs = new Map<string, PipelineRun>();
  private readonly runByRoot = new WeakMap<RuntimeNode, PipelineRun>();
  private readonly scheduler: SlotScheduler;
  private readonly dirtyRuns = new Set<PipelineRun>();
  private commitScheduled = false;
  private readonly logWriters = new Map<string, LogWriter>();
  private readonly logWatchers = new Map<string, number>();
  private readonly batonEnvs = new Map<string, Record<string, string>>();
  private closed = false;

  constructor(private readonly options: EngineOptions) {
    super();
    this.setMaxListeners(0);
    this.scheduler = new SlotScheduler(options.maxParallel, (node) => this.startAttempt(node));
  }

  get executorName(): string {
    return this.options.executor.name;
  }

  get peakRunning(): number {
    return this.scheduler.peakRunning;
  }

  // ── Launch ────────────────────────────────────────────────────────────────────────────────

  /** Creates a pipeline and starts running it. */
  launch(source: LaunchSource, meta: LaunchMeta): PipelineDetail {
    const id = newPipelineId();
    let root: RuntimeNode;
    if (source.kind === "tree") {
      root = buildSubtree(source.pipeline, null, 0);
    } else {
      root = newRuntimeNode({ path: "/", name: "", type: "serial", role: null, parent: null, index: 0, spec: {} });
      const image = source.image ?? this.options.generateImage;
      // The generate step sees the repository at the commit, like any copyRepo Exec.
      attachGenerateExecute(root, source.command, image ? { image: { image, copyRepo: true } } : {});
    }
    recomputeSubtree(root);
    const record: PipelineRecord = {
      id,
      createdAt: Date.now(),
      startedAt: null,
      endedAt: null,
      state: root.state,
      repo: meta.repo ?? null,
      repoDir: meta.repoDir ?? null,
      branch: meta.branch ?? null,
      sha: meta.sha ?? null,
      event: meta.event ?? null,
      section: meta.section ?? null,
      trigger: meta.trigger,
      executor: this.options.executor.name,
      variables: meta.variables ?? {},
      deliveryId: meta.deliveryId ?? null,
      repositoryId: meta.secrets?.repositoryId ?? null,
      secrets: meta.secrets ? (meta.secrets.withheld ? "withheld" : "given") : "none",
      seq: 0,
      live: true,
      counts: execCounts(root),
    };
    const run = this.adopt(record, root);
    this.batonEnvs.set(id, batonEnvFromVariables(record.variables));
    this.triggerOf.set(root, meta.trigger);
    // Saved activated (its first nodes queued) in the same transaction as its creation: a crash
    // right after leaves a pipeline that recovery queues again, never one that nothing starts.
    this.activate(run, run.root);
    record.state = root.state;
    this.options.store.transaction(() => {
      this.options.store.savePipeline(record);
      for (const node of walk(root)) this.options.store.saveNode(id, toNodeRow(node));
    });
    this.emit("pipeline", toSummary(record));
    this.step(run, () => undefined);
    return toDetail(run);
  }

  private adopt(record: PipelineRecord, root: RuntimeNode): PipelineRun {
    const run: PipelineRun = {
      record,
      root,
      byPath: new Map(),
      source: { pipelineId: record.id, repoDir: record.repoDir, sha: record.sha },
      prepared: null,
      heldBeforeRestart: false,
      dirtyNodes: new Set(),
      dirtyAttempts: new Set(),
      structureChanged: false,
      removedSubtrees: [],
      idleWaiters: [],
    };
    indexTree(run);
    this.runs.set(record.id, run);
    this.runByRoot.set(root, run);
    return run;
  }

  // ── Reading ───────────────────────────────────────────────────────────────────────────────

  getDetail(id: string): PipelineDetail | null {
    const run = this.runs.get(id) ?? this.load(id);
    return run ? toDetail(run) : null;
  }

  list(query: PipelineListQuery): PipelineSummary[] {
    return this.options.store.listPipelines(query).map((record) => {
      const run = this.runs.get(record.id);
      return toSummary(run ? run.record : record);
    });
  }

  /** A page of an attempt's log (the latest attempt when none is named). */
  readLog(id: string, nodePath: string, attemptNo: number | undefined, from: number, limit: number): LogPage {
    const { node, attempt } = this.findAttempt(id, nodePath, attemptNo);
    const writer = this.logWriters.get(attemptKey(id, nodePath, attempt.n));
    const total = writer ? writer.lineCount : attempt.lineCount;
    return {
      path: node.path,
      attempt: attempt.n,
      from,
      lines: readLogPage(attempt.logFile, from, Math.min(limit, Math.max(0, total - from))),
      total,
      complete: !writer,
    };
  }

  logText(id: string, nodePath: string, attemptNo: number | undefined): { attempt: number; text: AsyncGenerator<string> } {
    const { attempt } = this.findAttempt(id, nodePath, attemptNo);
    return { attempt: attempt.n, text: readLogText(attempt.logFile) };
  }

  /** Streams an attempt's new log lines as `log` events until the returned function is called. */
  watchLog(id: string, nodePath: string, attemptNo: number): () => void {
    const key = attemptKey(id, nodePath, attemptNo);
    this.logWatchers.set(key, (this.logWatchers.get(key) ?? 0) + 1);
    this.logWriters.get(key)?.setWatcher((lines) => this.emit("log", { pipelineId: id, path: nodePath, attempt: attemptNo, lines }));
    return () => {
      const left = (this.logWatchers.get(key) ?? 1) - 1;
      if (left > 0) this.logWatchers.set(key, left);
      else {
        this.logWatchers.delete(key);
        this.logWriters.get(key)?.setWatcher(undefined);
      }
    };
  }

  private findAttempt(id: string, nodePath: string, attemptNo: number | undefined): { node: RuntimeNode; attempt: AttemptRecord } {
    const run = this.runs.get(id) ?? this.load(id);
    if (!run) throw new ActionError(404, `no pipeline ${id}`);
    const node = run.byPath.get(nodePath);
    if (!node) throw new ActionError(404, `no node ${nodePath} in pipeline ${id}`);
    const attempt = attemptNo === undefined ? node.attempts.at(-1) : node.attempts.find((a) => a.n === attemptNo);
    if (!attempt) throw new ActionError(404, attemptNo === undefined ? `${nodePath} has not run yet` : `${nodePath} has no attempt ${attemptNo}`);
    return { node, attempt };
  }

  /** Resolves when nothing in the pipeline is queued or running. */
  whenIdle(id: string): Promise<PipelineDetail> {
    const run = this.runs.get(id);
    if (!run) return Promise.reject(new ActionError(404, `no pipeline ${id}`));
    if (run.root.active === 0 && !this.commitScheduled) return Promise.resolve(toDetail(run));
    return new Promise((resolve) => run.idleWaiters.push(() => resolve(toDetail(run))));
  }

  // ── Controls ──────────────────────────────────────────────────────────────────────────────

  /** Applies a control (DESIGN §3). Throws ActionError with an HTTP status when it cannot apply. */
  act(id: string, action: NodeAction, who: string): { affected: string[] } {
    const run = this.runs.get(id) ?? this.load(id);
    if (!run) throw new ActionError(404, `no pipeline ${id}`);
    const plan = planAction(run, action);
    const affected: string[] = [];
    this.step(run, () => {
      switch (plan.kind) {
        case "rerun":
          for (const node of plan.nodes) {
            this.rerun(run, node, who);
            affected.push(node.path);
          }
          break;
        case "skip":
          this.skip(run, plan.node, true);
          affected.push(plan.node.path);
          break;
        case "unskip":
          this.skip(run, plan.node, false);
          affected.push(plan.node.path);
          break;
        case "kill":
          affected.push(...this.kill(run, plan.node, `killed by ${who}`));
          break;
        case "modify":
          if (plan.command !== undefined) plan.node.spec = { ...plan.node.spec, command: plan.command };
          if (plan.env !== undefined) plan.node.spec = { ...plan.node.spec, env: plan.env };
          plan.node.params = effectiveParams(plan.node.spec, plan.node.parent?.params ?? null);
          run.structureChanged = true;
          this.rerun(run, plan.node, who);
          affected.push(plan.node.path);
          break;
        default: {
          const exhaustive: never = plan;
          throw new Error(`unknown plan ${JSON.stringify(exhaustive)}`);
        }
      }
    });
    return { affected };
  }

  private rerun(run: PipelineRun, target: RuntimeNode, who: string): void {
    for (let n = target.parent; n; n = n.parent) {
      if (n.halted) {
        n.halted = false;
        this.markDirty(run, n);
      }
    }
    for (const node of walk(target)) {
      node.halted = false;
      node.retriesUsed = 0;
      this.triggerOf.delete(node);
      this.markDirty(run, node);
      if (node.type === "exec" && node.state !== "pending") this.setState(run, node, "pending");
      // An Execute whose Generate reruns too gets a fresh graft when that Generate ends.
      if (node.role === "execute" && node !== target && !node.awaitingGraft) this.ungraft(run, node);
    }
    if (run.record.endedAt !== null) {
      run.record.endedAt = null;
    }
    this.triggerOf.set(target, who);
    this.activate(run, target);
  }

  /** Who started the next attempt of nodes in a subtree being rerun. */
  private readonly triggerOf = new WeakMap<RuntimeNode, string>();

  private skip(run: PipelineRun, target: RuntimeNode, skipped: boolean): void {
    if (skipped) {
      // Queued nodes of the subtree go back to pending: they will not run.
      for (const node of walk(target)) {
        if (node.type === "exec" && node.state === "queued") {
          this.setState(run, node, "pending");
          this.scheduler.release(node, false);
        }
      }
    }
    setSkipped(target, skipped, (n) => this.markDirty(run, n));
    if (skipped) this.continueAfter(run, target);
  }

  /** Kill: running Execs get SIGTERM (then SIGKILL), queued ones end at once. Returns affected paths. */
  private kill(run: PipelineRun, target: RuntimeNode, message: string): string[] {
    target.halted = true;
    this.markDirty(run, target);
    const affected: string[] = [];
    const ended: RuntimeNode[] = [];
    for (const node of walk(target)) {
      if (node.type !== "exec") continue;
      if (node.state === "queued") {
        this.setState(run, node, "killed");
        this.endWithoutRunning(run, node, message);
        ended.push(node);
        affected.push(node.path);
      } else if (node.state === "running") {
        node.killMessage ??= message;
        node.run?.kill();
        affected.push(node.path);
      }
    }
    for (const node of ended) this.scheduler.release(node, false);
    this.continueAfter(run, target);
    return affected;
  }

  /** Records an attempt for a queued node killed before it ran, so its history says why. */
  private endWithoutRunning(run: PipelineRun, node: RuntimeNode, message: string): void {
    const n = node.attempts.length + 1;
    const logFile = this.logFileFor(run.record.id, node.path, n);
    const writer = new LogWriter(logFile);
    writer.system(message);
    const { lineCount, outputBytes } = writer.close();
    const attempt: AttemptRecord = {
      n,
      state: "killed",
      startedAt: null,
      endedAt: Date.now(),
      exitCode: null,
      trigger: this.triggerOf.get(node) ?? "engine",
      command: node.spec.command ?? null,
      message,
      executor: null,
      lineCount,
      bytes: outputBytes,
      logFile,
      ref: null,
    };
    node.attempts.push(attempt);
    run.dirtyAttempts.add({ node, attempt });
  }

  // ── Scheduling ────────────────────────────────────────────────────────────────────────────

  /** The parent decided `node` runs now. */
  private activate(run: PipelineRun, node: RuntimeNode): void {
    if (node.skipped || this.isHalted(node)) return;
    switch (node.type) {
      case "exec":
        if (node.state === "pending") {
          this.setState(run, node, "queued");
          this.scheduler.enqueue(node);
        }
        return;
      case "serial":
      case "lazy":
        this.advanceSerial(run, node);
        return;
      case "parallel":
        for (const child of node.children) {
          if (countedState(child) === "pending") this.activate(run, child);
        }
        return;
    }
  }

  private isHalted(node: RuntimeNode): boolean {
    for (let n: RuntimeNode | null = node; n; n = n.parent) if (n.halted) return true;
    return false;
  }

  /** Runs a Serial's next child, if it may: after done children, past failures when stopOnError is off. */
  private advanceSerial(run: PipelineRun, serial: RuntimeNode): void {
    if (this.isHalted(serial)) return;
    if (serial.awaitingGraft) return;
    const stopOnError = serial.params.stopOnError;
    let i = serial.scanFrom;
    while (i < serial.children.length && countedState(serial.children[i]!) === "done") i++;
    serial.scanFrom = i;
    for (; i < serial.children.length; i++) {
      const child = serial.children[i]!;
      let state = countedState(child);
      if (state === "done") continue;
      if (isActive(state)) return;
      if (isFailed(state)) {
        if (stopOnError) return;
        continue;
      }
      this.activate(run, child);
      state = countedState(child);
      if (isActive(state)) return;
      if (isFailed(state) && stopOnError) return;
      if (state === "pending") return;
    }
  }

  /** After `node` finished (or was skipped or killed): let its ancestors go on. */
  private continueAfter(run: PipelineRun, node: RuntimeNode): void {
    for (let parent = node.parent; parent; parent = parent.parent) {
      if (isSerialLike(parent) || parent.role === "execute") this.advanceSerialOrParallel(run, parent);
      if (parent.active > 0) return;
    }
  }

  private advanceSerialOrParallel(run: PipelineRun, parent: RuntimeNode): void {
    if (parent.type === "parallel") return;
    this.advanceSerial(run, parent);
  }

  private setState(run: PipelineRun, node: RuntimeNode, state: NodeState): void {
    const before = node.state;
    if (before === state) return;
    run.record.counts[before] = (run.record.counts[before] ?? 1) - 1;
    run.record.counts[state] = (run.record.counts[state] ?? 0) + 1;
    setExecState(node, state, (n) => this.markDirty(run, n));
  }

  private markDirty(run: PipelineRun, node: RuntimeNode): void {
    run.dirtyNodes.add(node);
    this.dirtyRuns.add(run);
  }

  // ── Attempts ──────────────────────────────────────────────────────────────────────────────

  private startAttempt(node: RuntimeNode): void {
    const run = this.runOf(node);
    if (!run) return;
    const n = node.attempts.length + 1;
    const logFile = this.logFileFor(run.record.id, node.path, n);
    const key = attemptKey(run.record.id, node.path, n);
    const isGenerate = node.role === "generate";
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    const secrets = this.secretsOf(run, node);
    const writer = new LogWriter(logFile, maskingOptions(secrets.mask));
    this.logWriters.set(key, writer);
    if (this.logWatchers.has(key)) {
      writer.setWatcher((lines) => this.emit("log", { pipelineId: run.record.id, path: node.path, attempt: n, lines }));
    }
    const sink: OutputSink = (stream, chunk) => {
      if (isGenerate && stream === "stdout" && stdoutBytes <= MAX_GENERATED_BYTES) {
        stdout.push(Buffer.from(chunk));
        stdoutBytes += chunk.length;
      }
      writer.write(stream, chunk);
    };
    const attempt: AttemptRecord = {
      n,
      state: "running",
      startedAt: Date.now(),
      endedAt: null,
      exitCode: null,
      trigger: this.triggerOf.get(node) ?? this.inheritedTrigger(node) ?? (node.retriesUsed > 0 ? "retry" : "engine"),
      command: node.spec.command ?? null,
      message: null,
      executor: this.options.executor.name,
      lineCount: 0,
      bytes: 0,
      logFile,
      ref: null,
    };
    node.attempts.push(attempt);
    node.killMessage = null;
    const token = node.runToken;
    this.step(run, () => {
      this.setState(run, node, "running");
      run.dirtyAttempts.add({ node, attempt });
      if (run.record.startedAt === null) run.record.startedAt = attempt.startedAt;
    });
    node.maxTimer = setTimeout(() => {
      node.killMessage ??= `maxTime ${node.spec.maxTime ?? `${node.params.maxTimeMs / 1000}s`} exceeded`;
      node.run?.kill();
    }, Math.min(node.params.maxTimeMs, 2 ** 31 - 1));

    const request = this.requestFor(run, node, attempt, secrets.env);
    const launch = async (): Promise<RunHandle> => {
      if (secrets.error) throw secrets.error;
      if (!run.prepared) {
        const preparing = this.options.executor.preparePipeline(run.source, sink);
        run.prepared = preparing;
        // A failed preparation is tried again by the next attempt.
        preparing.catch(() => {
          if (run.prepared === preparing) run.prepared = null;
        });
      }
      await run.prepared;
      return this.options.executor.start(request, sink);
    };
    launch().then(
      (handle) => {
        if (node.runToken !== token || node.state !== "running") {
          handle.kill();
          return;
        }
        node.run = handle;
        attempt.ref = handle.ref;
        run.dirtyAttempts.add({ node, attempt });
        this.dirtyRuns.add(run);
        this.scheduleCommit();
        if (node.killMessage) handle.kill();
        void handle.exit.then((info) => this.finishAttempt(run, node, attempt, token, info, isGenerate ? Buffer.concat(stdout) : null));
      },
      (error: Error) => {
        this.finishAttempt(run, node, attempt, token, { exitCode: null, workerError: error.message }, null);
      },
    );
  }

  private inheritedTrigger(node: RuntimeNode): string | undefined {
    for (let n: RuntimeNode | null = node.parent; n; n = n.parent) {
      const who = this.triggerOf.get(n);
      if (who) return who;
    }
    return undefined;
  }

  private finishAttempt(run: PipelineRun, node: RuntimeNode, attempt: AttemptRecord, token: number, info: ExitInfo, stdout: Buffer | null): void {
    if (node.maxTimer) clearTimeout(node.maxTimer);
    node.maxTimer = null;
    node.run = null;
    const key = attemptKey(run.record.id, node.path, attempt.n);
    const writer = this.logWriters.get(key);
    let state: NodeState;
    let message: string | null = null;
    if (node.killMessage) {
      state = "killed";
      message = node.killMessage;
    } else if (info.workerError) {
      state = "worker_error";
      message = info.workerError;
    } else if (info.exitCode === 0) {
      state = "done";
    } else {
      state = "error";
      message = info.exitCode === null ? "the command ended without an exit code" : `exit code ${info.exitCode}`;
    }
    let graft: PipelineNode | null = null;
    if (state === "done" && stdout) {
      const parsed = parsePipelineJson(stdout.toString("utf8"));
      if (parsed.ok) graft = parsed.pipeline;
      else {
        state = "error";
        message = `invalid pipeline: ${parsed.error}`;
      }
    }
    if (message && writer && state !== "done") writer.system(message);
    const totals = writer?.close() ?? { lineCount: attempt.lineCount, outputBytes: attempt.bytes };
    this.logWriters.delete(key);
    attempt.state = state;
    attempt.endedAt = Date.now();
    attempt.exitCode = info.exitCode;
    attempt.message = message;
    attempt.lineCount = totals.lineCount;
    attempt.bytes = totals.outputBytes;
    run.dirtyAttempts.add({ node, attempt });
    if (node.runToken !== token || node.state !== "running") {
      // A newer reset took this node over (it was rerun meanwhile); this attempt only records its end.
      this.scheduler.release(node, true);
      this.dirtyRuns.add(run);
      this.scheduleCommit();
      this.scheduler.pump();
      return;
    }
    this.step(run, () => {
      const retry = (state === "error" || state === "worker_error") && node.retriesUsed < node.params.retries && !this.isHalted(node);
      if (retry) {
        node.retriesUsed++;
        this.setState(run, node, "pending");
        this.triggerOf.set(node, "retry");
        this.activate(run, node);
        this.scheduler.release(node, true);
        return;
      }
      this.setState(run, node, state);
      if (graft) this.graft(run, node, graft);
      this.continueAfter(run, node);
      this.scheduler.release(node, true);
    });
  }

  private requestFor(run: PipelineRun, node: RuntimeNode, attempt: AttemptRecord, secretEnv: Record<string, string>): ExecRequest {
    const image = resolveImage(node.params.image);
    const env: Record<string, string> = {
      ...(image?.env ?? {}),
      ...node.params.env,
      ...secretEnv,
      ...(this.batonEnvs.get(run.record.id) ?? {}),
      BATON_PIPELINE_ID: run.record.id,
      BATON_NODE: node.path,
      BATON_ATTEMPT: String(attempt.n),
    };
    if (node.role === "generate") Object.assign(env, this.options.generateEnv, { BATON_GENERATE: "1" });
    let containerKey: string | null = null;
    for (let n = node.parent; n; n = n.parent) if (n.params.sameContainer) containerKey = n.path;
    return {
      pipelineId: run.record.id,
      path: node.path,
      attempt: attempt.n,
      attemptId: `${run.record.id}:${attempt.n}:${crypto.createHash("sha1").update(node.path).digest("hex").slice(0, 12)}`,
      command: node.spec.command ?? "",
      env,
      image,
      cpu: node.params.cpu,
      mem: node.params.mem,
      containerKey,
      // The generate step is the one node of its kind: its repository copy is never shared.
      ownRepoCopy: node.role === "generate",
    };
  }

  // ── Lazy subtrees ─────────────────────────────────────────────────────────────────────────

  private graft(run: PipelineRun, generate: RuntimeNode, doc: PipelineNode): void {
    const execute = generate.parent?.children[generate.index + 1];
    if (!execute || execute.role !== "execute") return;
    if (!execute.awaitingGraft) this.ungraft(run, execute);
    const root: PipelineNode = doc.type === "serial" || doc.type === "parallel" ? doc : { type: "serial", name: "Execute", children: [doc] };
    const { children, type, name: _name, ...params } = root as PipelineNode & { children: PipelineNode[] };
    execute.type = type;
    execute.spec = params as NodeSpec;
    execute.params = effectiveParams(execute.spec, execute.parent?.params ?? null);
    execute.skipped = execute.spec.skip ?? false;
    execute.awaitingGraft = false;
    execute.children = children.map((child, i) => buildSubtree(child, execute, i));
    for (const node of walk(execute)) {
      run.byPath.set(node.path, node);
      this.markDirty(run, node);
    }
    refreshAfterStructureChange(execute, (n) => this.markDirty(run, n));
    run.structureChanged = true;
  }

  private ungraft(run: PipelineRun, execute: RuntimeNode): void {
    for (const node of walk(execute)) if (node !== execute) run.byPath.delete(node.path);
    execute.children = [];
    execute.type = "serial";
    execute.spec = {};
    execute.params = effectiveParams({}, execute.parent?.params ?? null);
    execute.awaitingGraft = true;
    run.removedSubtrees.push(execute.path);
    refreshAfterStructureChange(execute, (n) => this.markDirty(run, n));
    run.structureChanged = true;
  }

  // ── Commit ────────────────────────────────────────────────────────────────────────────────

  /** Runs a change to a pipeline, then schedules the commit of what it changed and pumps the queue. */
  private step(run: PipelineRun, change: () => void): void {
    change();
    this.dirtyRuns.add(run);
    this.scheduleCommit();
    this.scheduler.pump();
  }

  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    this.commitScheduled = false;
    if (this.closed) return;
    const runs = [...this.dirtyRuns];
    this.dirtyRuns.clear();
    const store = this.options.store;
    const batches: { run: PipelineRun; changes: NodeDelta[]; structureChanged: boolean; summaryChanged: boolean }[] = [];
    store.transaction(() => {
      for (const run of runs) {
        for (const path of run.removedSubtrees) store.deleteDescendants(run.record.id, path);
        run.removedSubtrees = [];
        const changes: NodeDelta[] = [];
        for (const node of run.dirtyNodes) {
          if (run.byPath.get(node.path) !== node) continue;
          store.saveNode(run.record.id, toNodeRow(node));
          changes.push({ path: node.path, state: node.state, skipped: node.skipped, attempts: node.attempts.length });
        }
        run.dirtyNodes.clear();
        for (const { node, attempt } of run.dirtyAttempts) {
          if (run.byPath.get(node.path) === node) store.saveAttempt(run.record.id, node.path, attempt);
        }
        run.dirtyAttempts.clear();
        const record = run.record;
        const previousState = record.state;
        const wasLive = record.live;
        record.state = run.root.state;
        const idle = run.root.active === 0;
        record.live = !idle;
        if (idle && isTerminal(record.state) && record.endedAt === null) record.endedAt = Date.now();
        if (!idle) record.endedAt = null;
        record.seq++;
        store.savePipeline(record);
        batches.push({
          run,
          changes,
          structureChanged: run.structureChanged,
          summaryChanged: previousState !== record.state || wasLive !== record.live || changes.length > 0,
        });
        run.structureChanged = false;
      }
    });
    for (const { run, changes, structureChanged, summaryChanged } of batches) {
      this.emit("nodes", { pipelineId: run.record.id, fromSeq: run.record.seq - 1, seq: run.record.seq, changes, structureChanged });
      if (summaryChanged) this.emit("pipeline", toSummary(run.record));
      if (run.root.active === 0) {
        const waiters = run.idleWaiters;
        run.idleWaiters = [];
        for (const resolve of waiters) resolve();
        if (!run.record.live) void this.releaseIfDone(run);
      }
    }
  }

  private async releaseIfDone(run: PipelineRun): Promise<void> {
    // Keep the workspace of a failed pipeline: a rerun needs it. A done pipeline frees it.
    if (run.root.state === "done") await this.release(run);
  }

  private async release(run: PipelineRun): Promise<void> {
    if (!run.prepared && !run.heldBeforeRestart) return;
    run.prepared = null;
    run.heldBeforeRestart = false;
    await this.options.executor.releasePipeline(run.record.id).catch(() => undefined);
  }

  /**
   * The retention rule: a pipeline that ended longer than `keepWorkspaceMs` ago gives back its
   * workspace (checkout, repository image; a later rerun makes it again), and one that ended
   * longer than `keepInMemoryMs` ago leaves memory (it is read from the store when asked for).
   */
  async sweep(options: { keepWorkspaceMs: number; keepInMemoryMs: number }): Promise<void> {
    const now = Date.now();
    for (const run of [...this.runs.values()]) {
      const endedAt = run.record.endedAt;
      if (run.root.active > 0 || endedAt === null) continue;
      if (now - endedAt > options.keepWorkspaceMs) await this.release(run);
      if (now - endedAt > options.keepInMemoryMs && !run.prepared && !run.heldBeforeRestart && run.idleWaiters.length === 0) {
        this.runs.delete(run.record.id);
        this.batonEnvs.delete(run.record.id);
      }
    }
  }

  // ── Loading and recovery ──────────────────────────────────────────────────────────────────

  private load(id: string): PipelineRun | null {
    const record = this.options.store.getPipeline(id);
    if (!record) return null;
    const { nodes, attempts } = this.options.store.loadNodes(id);
    const byPath = new Map<string, RuntimeNode>();
    const sorted = [...nodes].sort((a, b) => depthOf(a.path) - depthOf(b.path) || a.index - b.index);
    let root: RuntimeNode | null = null;
    for (const row of sorted) {
      const parent = row.parentPath === null ? null : (byPath.get(row.parentPath) ?? null);
      if (row.parentPath !== null && !parent) continue;
      const node = newRuntimeNode({ path: row.path, name: row.name, type: row.type, role: row.role, parent, index: row.index, spec: row.spec });
      node.state = row.state;
      node.skipped = row.skipped;
      node.halted = row.halted;
      node.awaitingGraft = row.awaitingGraft;
      node.retriesUsed = row.retriesUsed;
      node.attempts = attempts.get(row.path) ?? [];
      byPath.set(row.path, node);
      if (parent) parent.children.push(node);
      else root = node;
    }
    if (!root) return null;
    for (const node of walk(root)) node.children.sort((a, b) => a.index - b.index);
    recomputeSubtree(root);
    const run = this.adopt(record, root);
    run.record.counts = execCounts(root);
    return run;
  }

  /**
   * On start: pipelines the engine held when it stopped are loaded again. Running attempts are
   * re-attached through the executor when it can follow them, else they end as worker_error;
   * queued ones queue again; then every pipeline goes on.
   */
  async recover(): Promise<{ resumed: number; reattached: number; lost: number }> {
    let reattached = 0;
    let lost = 0;
    const ids = this.options.store.livePipelineIds();
    for (const id of ids) {
      const run = this.runs.get(id) ?? this.load(id);
      if (!run) continue;
      run.heldBeforeRestart = true;
      this.batonEnvs.set(id, batonEnvFromVariables(run.record.variables));
      const running: RuntimeNode[] = [];
      const queued: RuntimeNode[] = [];
      for (const node of walk(run.root)) {
        if (node.type !== "exec") continue;
        if (node.state === "running") running.push(node);
        else if (node.state === "queued") queued.push(node);
      }
      this.step(run, () => {
        for (const node of queued) this.setState(run, node, "pending");
      });
      for (const node of running) {
        const attempt = node.attempts.at(-1);
        const followed = attempt ? await this.reattach(run, node, attempt) : false;
        if (followed) reattached++;
        else {
          lost++;
          this.step(run, () => {
            const message = "worker_error: the server restarted while this ran, and its process could not be followed";
            if (attempt) {
              const writer = new LogWriter(attempt.logFile, { append: true });
              writer.system(message);
              const totals = writer.close();
              attempt.state = "worker_error";
              attempt.endedAt = Date.now();
              attempt.message = message;
              attempt.lineCount = totals.lineCount;
              attempt.bytes = totals.outputBytes;
              run.dirtyAttempts.add({ node, attempt });
            }
            this.setState(run, node, "worker_error");
            this.continueAfter(run, node);
          });
        }
      }
      this.step(run, () => {
        for (const node of queued) if (!this.isHalted(node)) this.activate(run, node);
        // A live pipeline with nothing running or queued lost the step that would have gone on
        // (its commit never made it to disk): go on now, or let it end.
        if (run.root.active === 0) this.activate(run, run.root);
      });
    }
    return { resumed: ids.length, reattached, lost };
  }

  private async reattach(run: PipelineRun, node: RuntimeNode, attempt: AttemptRecord): Promise<boolean> {
    if (!attempt.ref || attempt.executor !== this.options.executor.name) return false;
    const key = attemptKey(run.record.id, node.path, attempt.n);
    const secrets = this.secretsOf(run, node);
    const writer = new LogWriter(attempt.logFile, { append: true, ...maskingOptions(secrets.mask) });
    const seen = writer.outputBytes;
    const request = this.requestFor(run, node, attempt, secrets.env);
    const handle = await this.options.executor
      .reattach(attempt.ref, request, (stream, chunk) => writer.write(stream, chunk), seen)
      .catch(() => null);
    if (!handle) {
      writer.close();
      return false;
    }
    this.logWriters.set(key, writer);
    node.run = handle;
    node.runToken++;
    const token = node.runToken;
    this.scheduler.running++;
    // A generate step's stdout from before the restart is in its log: read it back when it ends.
    const stdoutOf = () => (node.role === "generate" ? Buffer.from(readStreamText(attempt.logFile, "stdout")) : null);
    void handle.exit.then((info) => {
      this.logWriters.get(key)?.close();
      this.finishAttempt(run, node, attempt, token, info, stdoutOf());
    });
    return true;
  }

  /**
   * The secrets an attempt gets, from the store now: none for a pipeline not launched for a
   * registered repository or withheld from (a fork's pull request), none in a generate step's
   * environment (its output becomes the stored tree) though its log is masked all the same.
   */
  private secretsOf(run: PipelineRun, node: RuntimeNode): AttemptSecrets {
    const provider = this.options.secrets;
    if (!provider || run.record.secrets !== "given" || run.record.repositoryId === null) return { env: {}, mask: undefined, error: null };
    try {
      const { env, masker } = provider(run.record.repositoryId);
      return { env: node.role === "generate" ? {} : env, mask: masker?.session(), error: null };
    } catch (error) {
      return { env: {}, mask: undefined, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  private runOf(node: RuntimeNode): PipelineRun | undefined {
    let root = node;
    while (root.parent) root = root.parent;
    return this.runByRoot.get(root);
  }

  private logFileFor(pipelineId: string, nodePath: string, n: number): string {
    // The LogWriter makes the directory and the file with the attempt's first output.
    const dir = path.join(this.options.dataDir, "logs", pipelineId);
    const slug = nodePath.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(-60);
    const hash = crypto.createHash("sha1").update(nodePath).digest("hex").slice(0, 10);
    return path.join(dir, `${slug}-${hash}.${n}.log`);
  }

  /** Stops following runs (they keep running; a restart re-attaches) and flushes what is pending. */
  async close(): Promise<void> {
    if (this.commitScheduled) this.commit();
    this.closed = true;
    for (const writer of this.logWriters.values()) writer.close();
    await this.options.executor.close();
  }

  /** Executor refs of the attempts running now, and the pipelines still live (kept by orphan cleanup). */
  runningWork(): { refs: string[]; pipelines: string[] } {
    const refs: string[] = [];
    const pipelines: string[] = [];
    for (const run of this.runs.values()) {
      if (run.root.active === 0) continue;
      pipelines.push(run.record.id);
      for (const node of walk(run.root)) if (node.state === "running" && node.attempts.at(-1)?.ref) refs.push(node.attempts.at(-1)!.ref!);
    }
    return { refs, pipelines };
  }

  /** The pipelines saved for a delivery, with their cfg section. */
  pipelinesOfDelivery(deliveryId: number): { id: string; section: string | null }[] {
    return this.options.store.pipelinesOfDelivery(deliveryId);
  }

  /** The engine still holds the pipeline: something in it is queued or running. */
  isLive(id: string): boolean {
    const run = this.runs.get(id);
    return run ? run.root.active > 0 : false;
  }

  /** Exec nodes of the pipeline per state. */
  countsOf(id: string): StateCounts | null {
    return this.runs.get(id)?.record.counts ?? null;
  }
}

/** A log's masking: each line, and blocks of whole lines alike (they reset what a cut line carried). */
function maskingOptions(mask: LineMasker | undefined): LogWriterOptions {
  return mask ? { transformLine: mask, transformBlock: (block, stream) => mask(block, stream, false) } : {};
}

function attemptKey(pipelineId: string, nodePath: string, n: number): string {
  return `${pipelineId}\u0000${nodePath}\u0000${n}`;
}

function depthOf(nodePath: string): number {
  return nodePath === "/" ? 0 : nodePath.split("/").length - 1;
}

function resolveImage(image: RuntimeNode["params"]["image"]): ImageSpec | null {
  if (image === null) return null;
  return typeof image === "string" ? { image } : image;
}

let lastIdTime = 0;
let idCounter = 0;
/** Sortable, unique, URL-safe pipeline ids: time in base 36, a counter, a random tail. */
function newPipelineId(): string {
  const now = Date.now();
  idCounter = now === lastIdTime ? idCounter + 1 : 0;
  lastIdTime = now;
  return `${now.toString(36)}${idCounter.toString(36).padStart(2, "0")}${crypto.randomBytes(3).toString("hex")}`;
}

/** BATON_* variables again from a stored pipeline's variables (after a restart). */
export function batonEnvFromVariables(variables: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (value !== "" && /^[a-z_][a-z0-9_]*$/.test(key)) env[`BATON_${key.toUpperCase()}`] = value;
  }
  return env;
}

export const ALL_STATES = NODE_STATES;
