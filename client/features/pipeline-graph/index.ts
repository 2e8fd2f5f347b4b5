export { PipelineGraph } from "./components/pipeline-graph";
export type { PipelineGraphProps } from "./components/pipeline-graph";
export { useGraphSpec } from "./hooks/use-graph-spec";
export { buildGraph, containerPaths, nodeLabel } from "./utils/build-graph";
export type { GraphEdgeSpec, GraphNodeSpec, GraphSpec } from "./utils/build-graph";
export { layoutClient } from "./utils/layout-client";
