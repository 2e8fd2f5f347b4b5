import type { NodeDeltaBatch } from "../../../shared/api/socket-events";

/**
 * The socket batches of each pipeline received lately. A refetch answers with the state as of
 * some seq; the batches after it that arrived while the request was in flight are replayed on the
 * answer, so none is lost between the snapshot and the live stream.
 */
export class BatchBuffer {
  private readonly byPipeline = new Map<string, NodeDeltaBatch[]>();

  constructor(private readonly limit = 2000) {}

  add(batch: NodeDeltaBatch): void {
    let list = this.byPipeline.get(batch.pipelineId);
    if (!list) {
      list = [];
      this.byPipeline.set(batch.pipelineId, list);
    }
    list.push(batch);
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
  }

  /** The batches after `seq`, oldest first; older ones are dropped (the snapshot holds them). */
  since(pipelineId: string, seq: number): NodeDeltaBatch[] {
    const list = this.byPipeline.get(pipelineId);
    if (!list) return [];
    const newer = list.filter((batch) => batch.seq > seq).sort((a, b) => a.seq - b.seq);
    this.byPipeline.set(pipelineId, newer);
    return newer;
  }

  clear(pipelineId: string): void {
    this.byPipeline.delete(pipelineId);
  }
}

/** The app's buffer, shared by the detail query and the socket subscription. */
export const recentBatches = new BatchBuffer();
