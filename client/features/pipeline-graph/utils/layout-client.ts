import type { GraphSpec } from "./build-graph";
import type { GraphLayout } from "./graph-layout";
import type { LayoutRequest, LayoutResponse } from "./layout-messages";

/** A layout and how long ELK took to make it (milliseconds). */
export interface TimedLayout {
  layout: GraphLayout;
  ms: number;
}

type Pending = { resolve: (result: TimedLayout) => void; reject: (error: Error) => void };

/** Lays out graphs in one shared Web Worker, falling back to ELK on this thread where workers are unavailable. */
class LayoutClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private ensureWorker(): Worker | null {
    if (this.worker || typeof Worker === "undefined") return this.worker;
    try {
      this.worker = new Worker(new URL("./elk-layout.worker.ts", import.meta.url), { type: "module", name: "graph-layout" });
    } catch {
      return null;
    }
    this.worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
      const response = event.data;
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      if ("error" in response) pending.reject(new Error(response.error));
      else pending.resolve({ layout: new Map(response.boxes), ms: response.ms });
    };
    this.worker.onerror = (event) => {
      const error = new Error(event.message || "the layout worker failed");
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    return this.worker;
  }

  /** Starts the worker and ELK ahead of the first real layout (ELK's first run is its slowest). */
  warmUp(): void {
    this.layout({ nodes: [{ id: "/", parentId: undefined, kind: "leaf", type: "exec", label: "", depth: 0, descendants: 0 }], edges: [] }).catch(() => undefined);
  }

  async layout(spec: GraphSpec): Promise<TimedLayout> {
    const worker = this.ensureWorker();
    if (!worker) {
      const [{ default: ELK }, { layoutGraph }] = await Promise.all([import("elkjs/lib/elk.bundled.js"), import("./graph-layout")]);
      const started = performance.now();
      const layout = await layoutGraph(spec, new ELK());
      return { layout, ms: Math.round(performance.now() - started) };
    }
    const id = this.nextId++;
    return new Promise<TimedLayout>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: LayoutRequest = { id, spec };
      worker.postMessage(request);
    });
  }
}

export const layoutClient = new LayoutClient();
