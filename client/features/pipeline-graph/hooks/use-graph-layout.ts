import { useEffect, useState } from "react";
import type { GraphSpec } from "../utils/build-graph";
import { toFlowElements } from "../utils/flow-elements";
import type { PipelineFlowEdge, PipelineFlowNode } from "../utils/flow-elements";
import type { GraphLayout } from "../utils/graph-layout";
import { layoutClient } from "../utils/layout-client";

export interface LaidOutGraph {
  spec: GraphSpec;
  layout: GraphLayout;
  /** React Flow's nodes and edges: made once per layout, never changed by states. */
  nodes: PipelineFlowNode[];
  edges: PipelineFlowEdge[];
  /** How long ELK took. */
  layoutMs: number;
  /** The tree structure this graph was built from (a new one refits the view). */
  fitKey: unknown;
}

/**
 * Lays out a graph spec once (in the layout worker) and keeps showing the previous layout until the
 * new one is ready. The spec is memoised on the tree's structure, so state changes never get here.
 */
export function useGraphLayout(spec: GraphSpec, fitKey: unknown): { graph: LaidOutGraph | null; error: Error | null } {
  const [graph, setGraph] = useState<LaidOutGraph | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let cancelled = false;
    layoutClient.layout(spec).then(
      ({ layout, ms }) => {
        if (cancelled) return;
        setGraph({ spec, layout, ...toFlowElements(spec, layout), layoutMs: ms, fitKey });
        setError(null);
      },
      (cause: unknown) => {
        if (!cancelled) setError(cause instanceof Error ? cause : new Error(String(cause)));
      },
    );
    return () => {
      cancelled = true;
    };
    // fitKey changes together with spec (both follow the structure); it is only recorded.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [spec]);
  return { graph, error };
}
