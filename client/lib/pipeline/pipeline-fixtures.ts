import type { AttemptView, EffectiveParams, NodeView, PipelineDetail } from "../../../shared/api/pipeline-views";
import type { NodeState } from "../../../shared/pipeline/node-state";
import type { NodeType } from "../../../shared/pipeline/pipeline-schema";

/** Small builders of pipeline trees for the client's unit tests. */

export interface FixtureNode {
  name: string;
  type: NodeType;
  state?: NodeState;
  skipped?: boolean;
  attempts?: number;
  command?: string;
  children?: FixtureNode[];
}

export const exec = (name: string, state: NodeState = "pending", extra: Partial<FixtureNode> = {}): FixtureNode => ({
  name,
  type: "exec",
  state,
  command: `echo ${name}`,
  ...extra,
});
export const serial = (name: string, children: FixtureNode[], state: NodeState = "pending"): FixtureNode => ({ name, type: "serial", state, children });
export const parallel = (name: string, children: FixtureNode[], state: NodeState = "pending"): FixtureNode => ({ name, type: "parallel", state, children });

const params: EffectiveParams = {
  env: {},
  image: null,
  stopOnError: true,
  sameContainer: false,
  suppressErrors: false,
  maxConcurrent: null,
  maxTimeMs: 4 * 3_600_000,
  cpu: null,
  mem: null,
  retries: 0,
};

function attempt(n: number, state: NodeState): AttemptView {
  return { n, state, startedAt: 1000 * n, endedAt: 1000 * n + 500, exitCode: state === "done" ? 0 : 1, trigger: "engine", command: "true", message: null, executor: "local", lineCount: 0, bytes: 0 };
}

export function toView(node: FixtureNode, path = "/"): NodeView {
  const state = node.state ?? "pending";
  const attempts = node.attempts ?? (state === "pending" ? 0 : 1);
  return {
    path,
    name: path === "/" ? "" : node.name,
    type: node.type,
    state,
    skipped: node.skipped ?? false,
    command: node.command ?? null,
    title: null,
    doc: null,
    tags: [],
    params,
    attempts: Array.from({ length: attempts }, (_, i) => attempt(i + 1, state)),
    children: (node.children ?? []).map((child) => toView(child, path === "/" ? `/${child.name}` : `${path}/${child.name}`)),
  };
}

export function makeDetail(root: FixtureNode, seq = 0, id = "p1"): PipelineDetail {
  const view = toView(root);
  return {
    id,
    repo: "acme/app",
    branch: "main",
    sha: "abc1234",
    event: "push",
    section: "push",
    trigger: "user:alice",
    state: view.state,
    createdAt: 0,
    startedAt: 0,
    endedAt: null,
    executor: "local",
    counts: { pending: 0, queued: 0, running: 0, done: 0, error: 0, killed: 0, worker_error: 0 },
    secrets: "none",
    seq,
    variables: {},
    root: view,
  };
}

/** A Serial of `groups` Parallels of `perGroup` Serials of three Execs: about groups × perGroup × 4 nodes. */
export function largeTree(groups: number, perGroup: number): FixtureNode {
  return serial(
    "root",
    Array.from({ length: groups }, (_, g) =>
      parallel(
        `group-${g}`,
        Array.from({ length: perGroup }, (_, s) => serial(`suite-${s}`, [exec("setup"), exec("test"), exec("report")])),
      ),
    ),
  );
}
