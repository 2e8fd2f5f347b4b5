import { z } from "zod";
import { NodeState } from "../pipeline/node-state";
import { EnvMap, ImageRef, NodeType } from "../pipeline/pipeline-schema";
import { PipelineSecrets } from "./secrets";

/** Who or what started an attempt or a pipeline: "engine", "retry", "user:alice", "webhook", "cli:bob"… */
export const Trigger = z.string();

export const AttemptView = z.object({
  n: z.number().int().positive(),
  state: NodeState,
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  exitCode: z.number().int().nullable(),
  trigger: Trigger,
  command: z.string().nullable(),
  /** Why it ended as it did when the exit code does not say: "killed by alice", "maxTime 90s exceeded", "image busybox:nope not found: …". */
  message: z.string().nullable(),
  executor: z.string().nullable(),
  lineCount: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type AttemptView = z.infer<typeof AttemptView>;

/** Parameters as they apply to the node after inheritance. */
export const EffectiveParams = z.object({
  env: EnvMap,
  image: ImageRef.nullable(),
  stopOnError: z.boolean(),
  sameContainer: z.boolean(),
  suppressErrors: z.boolean(),
  maxConcurrent: z.number().int().positive().nullable(),
  maxTimeMs: z.number(),
  cpu: z.number().nullable(),
  mem: z.number().nullable(),
  retries: z.number().int().nonnegative(),
});
export type EffectiveParams = z.infer<typeof EffectiveParams>;

export interface NodeView {
  path: string;
  name: string;
  type: NodeType;
  state: NodeState;
  skipped: boolean;
  command: string | null;
  title: string | null;
  doc: string | null;
  tags: string[];
  params: EffectiveParams;
  attempts: AttemptView[];
  children: NodeView[];
}
export const NodeView: z.ZodType<NodeView> = z.object({
  path: z.string(),
  name: z.string(),
  type: NodeType,
  state: NodeState,
  skipped: z.boolean(),
  command: z.string().nullable(),
  title: z.string().nullable(),
  doc: z.string().nullable(),
  tags: z.array(z.string()),
  params: EffectiveParams,
  attempts: z.array(AttemptView),
  get children() {
    return z.array(NodeView);
  },
});

export const StateCounts = z.record(NodeState, z.number().int().nonnegative());
export type StateCounts = z.infer<typeof StateCounts>;

export const PipelineSummary = z.object({
  id: z.string(),
  repo: z.string().nullable(),
  branch: z.string().nullable(),
  sha: z.string().nullable(),
  event: z.string().nullable(),
  section: z.string().nullable(),
  trigger: Trigger,
  state: NodeState,
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  executor: z.string(),
  /** Exec nodes per state, for the list and the pipeline header. */
  counts: StateCounts,
  /** Whether its nodes get secrets: `withheld` for a pull request from a fork. */
  secrets: PipelineSecrets,
});
export type PipelineSummary = z.infer<typeof PipelineSummary>;

export const PipelineDetail = PipelineSummary.extend({
  /** Monotonic per pipeline; a client whose last applied delta is older refetches. */
  seq: z.number().int().nonnegative(),
  variables: z.record(z.string(), z.string()),
  root: NodeView,
});
export type PipelineDetail = z.infer<typeof PipelineDetail>;

export const LogLine = z.object({
  /** 0-based line number within the attempt's log. */
  n: z.number().int().nonnegative(),
  ts: z.number(),
  stream: z.enum(["stdout", "stderr", "system"]),
  text: z.string(),
});
export type LogLine = z.infer<typeof LogLine>;

export const LogPage = z.object({
  path: z.string(),
  attempt: z.number().int().positive(),
  from: z.number().int().nonnegative(),
  lines: z.array(LogLine),
  /** Lines in the log so far; grows while the attempt runs. */
  total: z.number().int().nonnegative(),
  complete: z.boolean(),
});
export type LogPage = z.infer<typeof LogPage>;
