import type { GraphSpec } from "./build-graph";
import type { NodeBox } from "./graph-layout";

export interface LayoutRequest {
  id: number;
  spec: GraphSpec;
}

export type LayoutResponse = { id: number; boxes: Array<[string, NodeBox]> } | { id: number; error: string };
