import type { LogLine, PipelineSummary } from "../../shared/api/pipeline-views";
import type { NodeDeltaBatch } from "../../shared/api/socket-events";

/** What the engine tells the rest of the server. It knows nothing of HTTP or sockets. */
export interface EngineEvents {
  /** Node states changed in one engine step (batched per tick). */
  nodes: [batch: NodeDeltaBatch];
  /** A pipeline's summary changed: created, its state, its counts, ended. */
  pipeline: [summary: PipelineSummary];
  /** Lines of a watched attempt's log. */
  log: [event: { pipelineId: string; path: string; attempt: number; lines: LogLine[] }];
  /** Something the operator should know (an executor fell back, a recovery). */
  notice: [message: string];
}
