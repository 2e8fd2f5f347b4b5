import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import { LiveStore } from "../utils/live-store";
import type { NodeDisplay } from "../utils/live-store";

/** What the custom nodes and edges need, passed by context so that React Flow's node data stays constant. */
export interface GraphContextValue {
  toggleCollapsed: (path: string) => void;
  /** For cards inside a cluster, whose clicks React Flow does not see as node clicks. */
  select: (path: string) => void;
  openMenu: (path: string, position: { x: number; y: number }) => void;
  liveStore: LiveStore;
}

export const GraphContext = createContext<GraphContextValue>({
  toggleCollapsed: () => undefined,
  select: () => undefined,
  openMenu: () => undefined,
  liveStore: new LiveStore(),
});

export function useGraphContext(): GraphContextValue {
  return useContext(GraphContext);
}

/** A node's live state and selection; the component re-renders when (and only when) they change. */
export function useNodeDisplay(path: string): NodeDisplay {
  const { liveStore } = useGraphContext();
  const subscribe = useCallback((listener: () => void) => liveStore.subscribe(path, listener), [liveStore, path]);
  return useSyncExternalStore(subscribe, () => liveStore.view(path));
}
