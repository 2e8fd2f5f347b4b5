import { memo } from "react";
import { BaseEdge, getSmoothStepPath } from "@xyflow/react";
import type { EdgeProps } from "@xyflow/react";
import type { PipelineFlowEdge } from "../utils/flow-elements";
import { useNodeDisplay } from "./graph-context";

/** A Serial link; the edge into a running node turns blue and moves. */
export const PipelineEdge = memo(function PipelineEdge({ id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }: EdgeProps<PipelineFlowEdge>) {
  const running = useNodeDisplay(target).live.state === "running";
  const [path] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 6 });
  return (
    <g data-testid="graph-edge" data-source={source} data-target={target} data-animated={String(running)}>
      <BaseEdge id={id} path={path} className={running ? "baton-edge-path baton-edge-running" : "baton-edge-path"} />
    </g>
  );
});
