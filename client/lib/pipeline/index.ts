export {
  ancestorsOf,
  applyNodeBatch,
  applySummary,
  countLeafStates,
  createPipelineModel,
  hasFailedLeaves,
  isFailedLeaf,
  isLeaf,
  liveOf,
  replayBatches,
  rootState,
} from "./pipeline-model";
export type { BatchResult, IndexedNode, LiveCounts, NodeLive, PipelineModel, PipelineStructure } from "./pipeline-model";
export { nextMatching, stepSelection } from "./tree-navigation";
export { BatchBuffer, recentBatches } from "./batch-buffer";
