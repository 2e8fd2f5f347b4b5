import { createContext, useContext, useLayoutEffect, useRef } from "react";
import type { RefObject } from "react";
import { writeAttributes } from "../utils/live-attributes";
import type { LiveAttributes } from "../utils/live-attributes";
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

/**
 * The attributes a node's live state gives an element: rendered once, then written straight onto
 * the element whenever the node's state or selection changes, without rendering anything. A storm
 * of state changes on a 2,000-node graph then costs a few attribute writes per changed node and no
 * React work (re-rendering cards made each batch a long task). A later render computes the same
 * attributes from the same store, so the DOM and React never disagree.
 *
 * `attributesOf` must be stable (a module function or a callback memoised on what it reads).
 */
export function useLiveAttributes<E extends Element>(path: string, attributesOf: (display: NodeDisplay) => LiveAttributes): { ref: RefObject<E | null>; attributes: LiveAttributes } {
  const { liveStore } = useGraphContext();
  const ref = useRef<E>(null);
  useLayoutEffect(() => {
    const write = () => {
      if (ref.current) writeAttributes(ref.current, attributesOf(liveStore.view(path)));
    };
    // Catches a change between this render and the subscription.
    write();
    return liveStore.subscribe(path, write);
  }, [liveStore, path, attributesOf]);
  return { ref, attributes: attributesOf(liveStore.view(path)) };
}
