import type { NodeState } from "../pipeline/node-state";
import type { LogLine, PipelineSummary } from "./pipeline-views";

/** One node's new state; applying the same delta twice is harmless. */
export interface NodeDelta {
  path: string;
  state: NodeState;
  skipped: boolean;
  attempts: number;
}

export interface NodeDeltaBatch {
  pipelineId: string;
  /** The pipeline's seq before this batch's first change: a client whose seq is older missed some and refetches. */
  fromSeq: number;
  /** The pipeline's seq after this batch. */
  seq: number;
  changes: NodeDelta[];
  /** The tree itself changed (a lazy subtree was grafted, a modify): refetch the detail. */
  structureChanged: boolean;
}

export interface LogLinesEvent {
  pipelineId: string;
  path: string;
  attempt: number;
  lines: LogLine[];
}

export interface ServerToClientEvents {
  "pipeline:nodes": (batch: NodeDeltaBatch) => void;
  "pipelines:changed": (summary: PipelineSummary) => void;
  "log:lines": (event: LogLinesEvent) => void;
}

export interface ClientToServerEvents {
  "pipeline:subscribe": (pipelineId: string) => void;
  "pipeline:unsubscribe": (pipelineId: string) => void;
  "log:subscribe": (target: { pipelineId: string; path: string; attempt: number }) => void;
  "log:unsubscribe": (target: { pipelineId: string; path: string; attempt: number }) => void;
}
