import { memo } from "react";
import { BaseEdge, getSmoothStepPath } from "@xyflow/react";
import type { EdgeProps } from "@xyflow/react";
import type { PipelineFlowEdge } from "../utils/flow-elements";
import { edgeAttributes } from "../utils/live-attributes";
import { useLiveAttributes } from "./graph-context";

/** A Serial link; the edge into a running node turns blue and moves. */
export const PipelineEdge = memo(function PipelineEdge({ id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }: EdgeProps<PipelineFlowEdge>) {
  const { ref, attributes } = useLiveAttributes<SVGGElement>(target, edgeAttributes);
  const [path] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 6 });
  return (
    <g ref={ref} data-testid="graph-edge" data-source={source} data-target={target} {...attributes}>
      <BaseEdge id={id} path={path} className="baton-edge-path" />
    </g>
  );
});
