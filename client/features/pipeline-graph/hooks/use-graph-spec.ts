import { useMemo } from "react";
import type { PipelineStructure } from "../../../lib/pipeline";
import { buildGraph } from "../utils/build-graph";
import type { GraphSpec } from "../utils/build-graph";

/** The graph of a structure with some subtrees collapsed; recomputed only when either changes. */
export function useGraphSpec(structure: PipelineStructure, collapsed: ReadonlySet<string>): GraphSpec {
  return useMemo(() => buildGraph(structure.root, collapsed), [structure, collapsed]);
}
