import type { RuntimeNode } from "./runtime-node";

interface Ticket {
  node: RuntimeNode;
  token: number;
}

/**
 * Decides when a queued Exec may start: every Parallel with `maxConcurrent` above it must give
 * the child subtree it sits in one of its slots (a child keeps its slot until nothing inside it
 * is queued or running, so a Serial child counts as one), then a global limit
 * (BATON_MAX_PARALLEL) across all pipelines. Each step costs O(depth); waiting is FIFO.
 */
export class SlotScheduler {
  private ready: Ticket[] = [];
  private head = 0;
  running = 0;
  /** Most Execs ever running at once, for tests and benchmarks. */
  peakRunning = 0;

  constructor(
    private readonly maxParallel: number,
    private readonly start: (node: RuntimeNode) => void,
  ) {}

  enqueue(node: RuntimeNode): void {
    node.runToken++;
    this.climb({ node, token: node.runToken }, node);
  }

  /** Call once an Exec stopped running (or left the queue) and its successors were queued. */
  release(node: RuntimeNode, wasRunning: boolean): void {
    if (wasRunning) this.running--;
    for (let child: RuntimeNode = node; child.parent; child = child.parent) {
      const parent = child.parent;
      if (child.holdsSlot && child.active === 0) {
        child.holdsSlot = false;
        parent.slotsUsed--;
        this.grantWaiting(parent);
      }
    }
  }

  pump(): void {
    while (this.running < this.maxParallel && this.head < this.ready.length) {
      const ticket = this.ready[this.head++]!;
      if (!isCurrent(ticket)) continue;
      this.running++;
      this.peakRunning = Math.max(this.peakRunning, this.running);
      this.start(ticket.node);
    }
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
  }

  private climb(ticket: Ticket, from: RuntimeNode): void {
    for (let child: RuntimeNode = from; child.parent; child = child.parent) {
      const parent = child.parent;
      const limit = parent.type === "parallel" ? parent.params.maxConcurrent : null;
      if (limit === null || child.holdsSlot) continue;
      if (parent.slotsUsed < limit) {
        parent.slotsUsed++;
        child.holdsSlot = true;
        continue;
      }
      const waiting = parent.waiters.get(child);
      if (waiting) waiting.push(ticket.node);
      else parent.waiters.set(child, [ticket.node]);
      return;
    }
    this.ready.push(ticket);
  }

  private grantWaiting(parent: RuntimeNode): void {
    const limit = parent.params.maxConcurrent ?? Infinity;
    while (parent.slotsUsed < limit && parent.waiters.size > 0) {
      const [child, nodes] = parent.waiters.entries().next().value as [RuntimeNode, RuntimeNode[]];
      parent.waiters.delete(child);
      const live = [...new Set(nodes)].filter((n) => n.state === "queued");
      if (live.length === 0) continue;
      if (!child.holdsSlot) {
        child.holdsSlot = true;
        parent.slotsUsed++;
      }
      for (const node of live) this.climb({ node, token: node.runToken }, parent);
    }
  }
}

function isCurrent(ticket: Ticket): boolean {
  return ticket.node.state === "queued" && ticket.node.runToken === ticket.token;
}
