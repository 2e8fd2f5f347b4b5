import type { AttemptView, EffectiveParams } from "../../shared/api/pipeline-views";
import { emptyCounts, type ChildStateCounts, type NodeState } from "../../shared/pipeline/node-state";
import type { EnvMap, ImageRef, NodeParams, NodeType, PipelineNode } from "../../shared/pipeline/pipeline-schema";
import { parseDuration } from "../../shared/pipeline/duration";
import type { RunHandle } from "../executors/executor";

export const DEFAULT_MAX_TIME_MS = 4 * 3_600_000;

/** A node's own parameters as written in the pipeline (before inheritance), plus its command. */
export type NodeSpec = NodeParams & { command?: string };

/**
 * `generate`: the Exec whose stdout is a pipeline subtree (a lazy node's or a cfg pipeline's
 * `Generate`); `execute`: the node that subtree is grafted onto.
 */
export type NodeRole = "generate" | "execute" | null;

export interface AttemptRecord extends AttemptView {
  logFile: string;
  ref: string | null;
}

export interface RuntimeNode {
  path: string;
  name: string;
  type: NodeType;
  role: NodeRole;
  parent: RuntimeNode | null;
  index: number;
  children: RuntimeNode[];
  spec: NodeSpec;
  params: EffectiveParams;
  state: NodeState;
  skipped: boolean;
  /** Set by kill on its target: nothing inside starts again until a rerun clears it. */
  halted: boolean;
  /** An `execute` node whose subtree has not been generated yet. */
  awaitingGraft: boolean;
  attempts: AttemptRecord[];
  /** Automatic reruns used since the last reset (the `retries` budget). */
  retriesUsed: number;

  /** Parents: how many children are in each state as this parent counts them. */
  counts: ChildStateCounts;
  /** Queued and running Execs in the subtree. */
  active: number;
  /** Serial: children before this index are known to count as done. */
  scanFrom: number;
  /** Under a Parallel with maxConcurrent: this child holds one of its slots. */
  holdsSlot: boolean;
  /** Parallel with maxConcurrent: slots given out, and Execs waiting per child for one. */
  slotsUsed: number;
  waiters: Map<RuntimeNode, RuntimeNode[]>;

  /** Exec: the run in flight, and what it was asked to end with. */
  run: RunHandle | null;
  runToken: number;
  killMessage: string | null;
  maxTimer: NodeJS.Timeout | null;
}

export function isParent(node: RuntimeNode): boolean {
  return node.type !== "exec";
}

export function isSerialLike(node: RuntimeNode): boolean {
  return node.type === "serial" || node.type === "lazy";
}

export function childPath(parentPath: string, name: string): string {
  return parentPath === "/" ? `/${name}` : `${parentPath}/${name}`;
}

/** Parameters that flow down to descendants as defaults; the rest belong to the node alone. */
export function effectiveParams(spec: NodeSpec, parent: EffectiveParams | null): EffectiveParams {
  const env: EnvMap = { ...(parent?.env ?? {}), ...(spec.env ?? {}) };
  const image: ImageRef | null = spec.image ?? parent?.image ?? null;
  return {
    env,
    image,
    stopOnError: spec.stopOnError ?? parent?.stopOnError ?? true,
    sameContainer: spec.sameContainer ?? false,
    suppressErrors: spec.suppressErrors ?? false,
    maxConcurrent: spec.maxConcurrent ?? null,
    maxTimeMs: spec.maxTime ? parseDuration(spec.maxTime) : (parent?.maxTimeMs ?? DEFAULT_MAX_TIME_MS),
    cpu: spec.cpu ?? parent?.cpu ?? null,
    mem: spec.mem ?? parent?.mem ?? null,
    retries: spec.retries ?? parent?.retries ?? 0,
  };
}

export function newRuntimeNode(fields: {
  path: string;
  name: string;
  type: NodeType;
  role: NodeRole;
  parent: RuntimeNode | null;
  index: number;
  spec: NodeSpec;
}): RuntimeNode {
  return {
    ...fields,
    children: [],
    params: effectiveParams(fields.spec, fields.parent?.params ?? null),
    state: "pending",
    skipped: fields.spec.skip ?? false,
    halted: false,
    awaitingGraft: false,
    attempts: [],
    retriesUsed: 0,
    counts: emptyCounts(),
    active: 0,
    scanFrom: 0,
    holdsSlot: false,
    slotsUsed: 0,
    waiters: new Map(),
    run: null,
    runToken: 0,
    killMessage: null,
    maxTimer: null,
  };
}

function ownSpec(doc: PipelineNode): NodeSpec {
  const { type: _type, name: _name, ...rest } = doc as PipelineNode & { children?: unknown };
  delete (rest as { children?: unknown }).children;
  return rest as NodeSpec;
}

/**
 * Builds runtime nodes for a pipeline document under `parent` (or as the root). A `lazy` node
 * becomes a Serial-like parent of `Generate` (its command) and `Execute` (grafted at run time).
 */
export function buildSubtree(doc: PipelineNode, parent: RuntimeNode | null, index: number, pathOverride?: string): RuntimeNode {
  const path = pathOverride ?? (parent ? childPath(parent.path, doc.name) : "/");
  const name = parent ? doc.name : "";
  const spec = ownSpec(doc);
  if (doc.type === "lazy") {
    const { command, ...params } = spec;
    const lazy = newRuntimeNode({ path, name, type: "lazy", role: null, parent, index, spec: params });
    attachGenerateExecute(lazy, command ?? "");
    return lazy;
  }
  const node = newRuntimeNode({ path, name, type: doc.type, role: null, parent, index, spec });
  if (doc.type === "serial" || doc.type === "parallel") {
    node.children = doc.children.map((child, i) => buildSubtree(child, node, i));
  }
  return node;
}

/** Gives a lazy node (or a cfg pipeline's root) its `Generate` Exec and an empty `Execute`. */
export function attachGenerateExecute(parent: RuntimeNode, command: string, generateSpec: NodeSpec = {}): void {
  const generate = newRuntimeNode({
    path: childPath(parent.path, "Generate"),
    name: "Generate",
    type: "exec",
    role: "generate",
    parent,
    index: 0,
    spec: { ...generateSpec, command },
  });
  const execute = newRuntimeNode({
    path: childPath(parent.path, "Execute"),
    name: "Execute",
    type: "serial",
    role: "execute",
    parent,
    index: 1,
    spec: {},
  });
  execute.awaitingGraft = true;
  parent.children = [generate, execute];
}

export function* walk(node: RuntimeNode): Generator<RuntimeNode> {
  const stack = [node];
  while (stack.length > 0) {
    const next = stack.pop()!;
    yield next;
    for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i]!);
  }
}

export function commandOf(node: RuntimeNode): string | null {
  return node.type === "exec" ? (node.spec.command ?? null) : null;
}
