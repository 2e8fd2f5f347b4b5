import { createContext, useContext } from "react";

/** Callbacks the custom nodes need, passed by context so that node data stays plain and stable. */
export interface GraphCallbacks {
  toggleCollapsed: (path: string) => void;
}

export const GraphCallbacksContext = createContext<GraphCallbacks>({ toggleCollapsed: () => undefined });

export function useGraphCallbacks(): GraphCallbacks {
  return useContext(GraphCallbacksContext);
}
