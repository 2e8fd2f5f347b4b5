import type { NodeDeltaBatch } from "../../../shared/api/socket-events";
import type { NodeView, PipelineDetail, PipelineSummary } from "../../../shared/api/pipeline-views";
import type { NodeState } from "../../../shared/pipeline/node-state";
import { NODE_STATES, isFailed } from "../../../shared/pipeline/node-state";

/** What changes about a node while the pipeline runs; replaced, never mutated, when it changes. */
export interface NodeLive {
  readonly state: NodeState;
  readonly skipped: boolean;
  readonly attempts: number;
}

export interface IndexedNode {
  readonly view: NodeView;
  readonly parent: string | null;
  readonly depth: number;
  /** Position in pre-order (tree order). */
  readonly order: number;
  /** An Exec-like node with no children: what counts, runs and fails on its own. */
  readonly leaf: boolean;
}

/**
 * The shape of the tree (paths, types, names, titles) without its states. Two fetches of the same
 * tree share one `PipelineStructure` object, so everything derived from it (graph, layout) is
 * computed once per structure, however often the states change.
 */
export interface PipelineStructure {
  readonly key: string;
  readonly root: NodeView;
}

/** The client's copy of a pipeline: the fetched detail plus the live states applied since. */
export interface PipelineModel {
  readonly detail: PipelineDetail;
  readonly seq: number;
  readonly structure: PipelineStructure;
  readonly nodes: ReadonlyMap<string, IndexedNode>;
  /** Every path in tree order. */
  readonly order: readonly string[];
  readonly live: ReadonlyMap<string, NodeLive>;
}

export function isLeaf(view: NodeView): boolean {
  return view.children.length === 0 && (view.type === "exec" || view.type === "lazy");
}

function structureLine(view: NodeView): string {
  return `${view.path}\u0000${view.type}\u0000${view.title ?? ""}\u0000${view.children.length}`;
}

/** Builds the model of a freshly fetched detail, reusing `previous`'s structure when the tree is the same. */
export function createPipelineModel(detail: PipelineDetail, previous?: PipelineModel): PipelineModel {
  const nodes = new Map<string, IndexedNode>();
  const order: string[] = [];
  const live = new Map<string, NodeLive>();
  const keyParts: string[] = [];

  const stack: Array<{ view: NodeView; parent: string | null; depth: number }> = [{ view: detail.root, parent: null, depth: 0 }];
  while (stack.length > 0) {
    const { view, parent, depth } = stack.pop()!;
    nodes.set(view.path, { view, parent, depth, order: order.length, leaf: isLeaf(view) });
    order.push(view.path);
    keyParts.push(structureLine(view));
    const before = previous?.live.get(view.path);
    const attempts = view.attempts.length;
    live.set(
      view.path,
      before && before.state === view.state && before.skipped === view.skipped && before.attempts === attempts
        ? before
        : { state: view.state, skipped: view.skipped, attempts },
    );
    for (let i = view.children.length - 1; i >= 0; i--) {
      stack.push({ view: view.children[i]!, parent: view.path, depth: depth + 1 });
    }
  }

  const key = keyParts.join("\n");
  const structure = previous && previous.structure.key === key ? previous.structure : { key, root: detail.root };
  return { detail, seq: detail.seq, structure, nodes, order, live };
}

export interface BatchResult {
  model: PipelineModel;
  /** The model may be out of date: a batch was missed, a path is unknown, or the tree changed. */
  needsRefetch: boolean;
}

function sameLive(a: NodeLive | undefined, b: NodeLive): boolean {
  return a !== undefined && a.state === b.state && a.skipped === b.skipped && a.attempts === b.attempts;
}

/**
 * Applies one socket batch. Deltas carry absolute states, so applying one twice is harmless; a batch
 * at or below the model's seq is already in it and ignored. Only changed paths get new `NodeLive`
 * objects, which is what lets the graph restyle just those nodes.
 *
 * A batch that starts after the model's seq (`fromSeq > seq`) means some were missed: it is
 * applied anyway (the states it carries are current) and a refetch is asked for.
 */
export function applyNodeBatch(model: PipelineModel, batch: NodeDeltaBatch, options: { replay?: boolean } = {}): BatchResult {
  if (batch.pipelineId !== model.detail.id || batch.seq <= model.seq) return { model, needsRefetch: false };
  const gap = batch.fromSeq > model.seq;
  let needsRefetch = batch.structureChanged || (gap && !options.replay);

  let live: Map<string, NodeLive> | null = null;
  for (const change of batch.changes) {
    if (!model.nodes.has(change.path)) {
      needsRefetch = true;
      continue;
    }
    const next: NodeLive = { state: change.state, skipped: change.skipped, attempts: change.attempts };
    const current = (live ?? model.live).get(change.path);
    if (sameLive(current, next)) continue;
    live ??= new Map(model.live);
    live.set(change.path, next);
  }
  return { model: { ...model, seq: batch.seq, live: live ?? model.live }, needsRefetch };
}

/** Applies batches received while a fetch was in flight; those at or below the fetched seq are skipped. */
export function replayBatches(model: PipelineModel, batches: readonly NodeDeltaBatch[]): PipelineModel {
  let current = model;
  for (const batch of [...batches].sort((a, b) => a.seq - b.seq)) {
    current = applyNodeBatch(current, batch, { replay: true }).model;
  }
  return current;
}

/** Copies a `pipelines:changed` summary's top-level fields (times, state, counts) into the model. */
export function applySummary(model: PipelineModel, summary: PipelineSummary): PipelineModel {
  if (summary.id !== model.detail.id) return model;
  const { detail } = model;
  return {
    ...model,
    detail: {
      ...detail,
      state: summary.state,
      startedAt: summary.startedAt,
      endedAt: summary.endedAt,
      counts: summary.counts,
      trigger: summary.trigger,
    },
  };
}

export function liveOf(model: PipelineModel, path: string): NodeLive | undefined {
  return model.live.get(path);
}

export function rootState(model: PipelineModel): NodeState {
  return model.live.get("/")?.state ?? model.detail.root.state;
}

export type LiveCounts = Record<NodeState, number> & { skipped: number };

/** Exec nodes per state, from the live states (a skipped node counts under `skipped` only). */
export function countLeafStates(model: PipelineModel): LiveCounts {
  const counts = Object.fromEntries(NODE_STATES.map((s) => [s, 0])) as Record<NodeState, number>;
  let skipped = 0;
  for (const [path, node] of model.nodes) {
    if (!node.leaf) continue;
    const live = model.live.get(path);
    if (!live) continue;
    if (live.skipped) skipped++;
    else counts[live.state]++;
  }
  return { ...counts, skipped };
}

/** A leaf that ended without succeeding and is not skipped: what "next error" visits. */
export function isFailedLeaf(model: PipelineModel, path: string): boolean {
  const node = model.nodes.get(path);
  const live = model.live.get(path);
  return !!node && node.leaf && !!live && !live.skipped && isFailed(live.state);
}

export function hasFailedLeaves(model: PipelineModel): boolean {
  for (const path of model.order) if (isFailedLeaf(model, path)) return true;
  return false;
}

/** The ancestors of a path, root first, without the path itself. */
export function ancestorsOf(model: PipelineModel, path: string): string[] {
  const result: string[] = [];
  let parent = model.nodes.get(path)?.parent ?? null;
  while (parent !== null) {
    result.unshift(parent);
    parent = model.nodes.get(parent)?.parent ?? null;
  }
  return result;
}
