import type { NodeLive } from "../../../lib/pipeline";

type Listener = () => void;

/** What one graph node shows; the same object until that node's state or selection changes. */
export interface NodeDisplay {
  live: NodeLive;
  selected: boolean;
}

const UNKNOWN: NodeLive = { state: "pending", skipped: false, attempts: 0 };

/**
 * The live state of every graph node, outside React Flow: a batch of state changes notifies only
 * the node components whose entry changed, and React Flow's own store (whose every update runs a
 * selector per node and edge) is not touched at all. Entries are compared by reference: the model
 * replaces the `NodeLive` of a changed path and keeps the others.
 */
export class LiveStore {
  private live: ReadonlyMap<string, NodeLive> = new Map();
  private selected: string | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly views = new Map<string, NodeDisplay>();

  get(path: string): NodeLive | undefined {
    return this.live.get(path);
  }

  isSelected(path: string): boolean {
    return this.selected === path;
  }

  /** A stable snapshot for `useSyncExternalStore`: a new object only after a change to this node. */
  view(path: string): NodeDisplay {
    const live = this.live.get(path) ?? UNKNOWN;
    const selected = this.selected === path;
    const cached = this.views.get(path);
    if (cached && cached.live === live && cached.selected === selected) return cached;
    const next = { live, selected };
    this.views.set(path, next);
    return next;
  }

  /** Replaces the states; returns the paths whose entry changed (and were notified). */
  setLive(next: ReadonlyMap<string, NodeLive>): string[] {
    const previous = this.live;
    if (previous === next) return [];
    this.live = next;
    const changed: string[] = [];
    for (const [path, entry] of next) if (previous.get(path) !== entry) changed.push(path);
    for (const path of previous.keys()) if (!next.has(path)) changed.push(path);
    for (const path of changed) this.notify(path);
    return changed;
  }

  setSelected(path: string | null): void {
    const previous = this.selected;
    if (previous === path) return;
    this.selected = path;
    if (previous !== null) this.notify(previous);
    if (path !== null) this.notify(path);
  }

  subscribe(path: string, listener: Listener): () => void {
    let set = this.listeners.get(path);
    if (!set) {
      set = new Set();
      this.listeners.set(path, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(path);
    };
  }

  private notify(path: string): void {
    const set = this.listeners.get(path);
    if (set) for (const listener of set) listener();
  }
}
