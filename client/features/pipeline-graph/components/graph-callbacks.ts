import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { NodeLive } from "../../../lib/pipeline";
import { LiveStore } from "../utils/live-store";

/** What the custom nodes and edges need, passed by context so that React Flow's node data stays constant. */
export interface GraphContextValue {
  toggleCollapsed: (path: string) => void;
  liveStore: LiveStore;
}

export const GraphContext = createContext<GraphContextValue>({ toggleCollapsed: () => undefined, liveStore: new LiveStore() });

export function useGraphContext(): GraphContextValue {
  return useContext(GraphContext);
}

const UNKNOWN: NodeLive = { state: "pending", skipped: false, attempts: 0 };

/** A node's live state; the component re-renders when (and only when) that node's state changes. */
export function useNodeLive(path: string): NodeLive {
  const { liveStore } = useGraphContext();
  const subscribe = useCallback((listener: () => void) => liveStore.subscribe(path, listener), [liveStore, path]);
  return useSyncExternalStore(subscribe, () => liveStore.get(path) ?? UNKNOWN);
}

export function useNodeSelected(path: string): boolean {
  const { liveStore } = useGraphContext();
  const subscribe = useCallback((listener: () => void) => liveStore.subscribe(path, listener), [liveStore, path]);
  return useSyncExternalStore(subscribe, () => liveStore.isSelected(path));
}
