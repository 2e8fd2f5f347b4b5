import { memo } from "react";
import { getSmoothStepPath } from "@xyflow/react";
import type { EdgeProps } from "@xyflow/react";
import type { PipelineFlowEdge } from "../utils/flow-elements";
import { edgeAttributes } from "../utils/live-attributes";
import { useLiveAttributes } from "./graph-context";

/**
 * A Serial link; the edge into a running node turns blue and moves. A bare path rather than
 * React Flow's BaseEdge: edges are not interactive here, and the live attribute sits on the
 * element it colours (styles.css).
 */
export const PipelineEdge = memo(function PipelineEdge({ source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }: EdgeProps<PipelineFlowEdge>) {
  const { ref, attributes } = useLiveAttributes<SVGPathElement>(target, edgeAttributes);
  const [path] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 6 });
  return <path ref={ref} d={path} fill="none" data-testid="graph-edge" data-source={source} data-target={target} {...attributes} className="baton-edge-path" />;
});
