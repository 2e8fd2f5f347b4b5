import type { NodeView, PipelineDetail, StateCounts } from "../../shared/api/pipeline-views";
import { NODE_STATES } from "../../shared/pipeline/node-state";
import type { PipelineSource } from "../executors/executor";
import { toSummary, type NodeRow, type PipelineRecord } from "../store/pipeline-store";
import { commandOf, walk, type AttemptRecord, type RuntimeNode } from "./runtime-node";

/** A pipeline the engine holds in memory: its record, its tree and an index by path. */
export interface PipelineRun {
  record: PipelineRecord;
  root: RuntimeNode;
  byPath: Map<string, RuntimeNode>;
  source: PipelineSource;
  prepared: Promise<void> | null;
  /**
   * Resumed after a restart: the executor may still hold what it made for the pipeline before
   * (containers, repository snapshot image, archive) though nothing was prepared since, so the
   * pipeline's release must still reach it.
   */
  heldBeforeRestart: boolean;
  /** Nodes whose state, flags or spec changed since the last commit. */
  dirtyNodes: Set<RuntimeNode>;
  dirtyAttempts: Set<{ node: RuntimeNode; attempt: AttemptRecord }>;
  structureChanged: boolean;
  /** Paths of nodes deleted since the last commit (a regraft), whose rows must go. */
  removedSubtrees: string[];
  idleWaiters: (() => void)[];
}

export function indexTree(run: Pick<PipelineRun, "byPath" | "root">): void {
  run.byPath.clear();
  for (const node of walk(run.root)) run.byPath.set(node.path, node);
}

export function execCounts(root: RuntimeNode): StateCounts {
  const counts = Object.fromEntries(NODE_STATES.map((s) => [s, 0])) as StateCounts;
  for (const node of walk(root)) {
    if (node.type === "exec") counts[node.state] = (counts[node.state] ?? 0) + 1;
  }
  return counts;
}

export function toNodeRow(node: RuntimeNode): NodeRow {
  return {
    path: node.path,
    parentPath: node.parent?.path ?? null,
    index: node.index,
    name: node.name,
    type: node.type,
    role: node.role,
    spec: node.spec,
    state: node.state,
    skipped: node.skipped,
    halted: node.halted,
    awaitingGraft: node.awaitingGraft,
    retriesUsed: node.retriesUsed,
  };
}

function publicAttempt(attempt: AttemptRecord) {
  const { logFile: _logFile, ref: _ref, ...view } = attempt;
  return view;
}

export function toNodeView(node: RuntimeNode): NodeView {
  return {
    path: node.path,
    name: node.name,
    type: node.type,
    state: node.state,
    skipped: node.skipped,
    command: commandOf(node),
    title: node.spec.title ?? null,
    doc: node.spec.doc ?? null,
    tags: node.spec.tags ?? [],
    params: node.params,
    attempts: node.attempts.map(publicAttempt),
    children: node.children.map(toNodeView),
  };
}

export function toDetail(run: PipelineRun): PipelineDetail {
  return { ...toSummary(run.record), seq: run.record.seq, variables: run.record.variables, root: toNodeView(run.root) };
}
