import type { GraphSpec } from "./build-graph";
import type { NodeBox } from "./graph-layout";

export interface LayoutRequest {
  id: number;
  spec: GraphSpec;
}

/** `ms` is how long ELK took in the worker. */
export type LayoutResponse = { id: number; boxes: Array<[string, NodeBox]>; ms: number } | { id: number; error: string };
