import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Background, Controls, Panel, ReactFlow, ReactFlowProvider, useReactFlow, useStore } from "@xyflow/react";
import type { EdgeTypes, NodeMouseHandler, NodeTypes } from "@xyflow/react";
import { Button, ErrorAlert, Spinner } from "../../../components/ui";
import type { NodeLive } from "../../../lib/pipeline";
import { useGraphLayout } from "../hooks/use-graph-layout";
import type { LaidOutGraph } from "../hooks/use-graph-layout";
import type { GraphSpec } from "../utils/build-graph";
import { absoluteBox } from "../utils/flow-elements";
import type { PipelineFlowEdge, PipelineFlowNode } from "../utils/flow-elements";
import { LiveStore } from "../utils/live-store";
import { GraphContext } from "./graph-context";
import type { GraphContextValue } from "./graph-context";
import { ClusterNode, GraphNode, GroupNode } from "./graph-node";
import { PipelineEdge } from "./pipeline-edge";

const NODE_TYPES: NodeTypes = { pipelineNode: GraphNode, pipelineGroup: GroupNode, pipelineCluster: ClusterNode };
const EDGE_TYPES: EdgeTypes = { pipelineEdge: PipelineEdge };
const FIT_VIEW_OPTIONS = { padding: 0.08, minZoom: 0.02, maxZoom: 1 } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
/** Past this many running nodes, pulses and moving edges stop: hundreds of animations cost more than they tell. */
const CALM_ABOVE_RUNNING = 40;
/**
 * Past this many nodes a graph is drawn without animations (styles.css, .baton-large): moving edges
 * repaint it every frame, and each pulsing node is a layer the rest must be tested against.
 */
const LARGE_ABOVE_NODES = 600;
/** Below this zoom the labels are unreadable anyway: nodes are drawn as coloured boxes, far cheaper to paint. */
const FAR_ZOOM = 0.4;

export interface PipelineGraphProps {
  spec: GraphSpec;
  /** The tree structure the spec was built from: when it changes (a lazy subtree grafted) the view refits. */
  structureKey: unknown;
  live: ReadonlyMap<string, NodeLive>;
  selectedPath: string | null;
  /** Set by the page to bring a node into view (keyboard moves, next error); a new object each time. */
  revealRequest: { path: string } | null;
  onSelect: (path: string) => void;
  onToggleCollapsed: (path: string) => void;
  onNodeContextMenu: (path: string, position: { x: number; y: number }) => void;
  onExpandAll: () => void;
  onCollapseAll: () => void;
}

/**
 * The pipeline as a graph. The layout (and React Flow's nodes and edges) depend on the structure
 * only; states and the selection go to the LiveStore, which re-renders just the nodes they touch.
 */
export function PipelineGraph({ spec, structureKey, live, selectedPath, ...rest }: PipelineGraphProps) {
  const { graph, error } = useGraphLayout(spec, structureKey);
  const [liveStore] = useState(() => new LiveStore());
  useLayoutEffect(() => {
    liveStore.setLive(live);
  }, [liveStore, live]);
  useLayoutEffect(() => {
    liveStore.setSelected(selectedPath);
  }, [liveStore, selectedPath]);

  const calm = useMemo(() => {
    let running = 0;
    for (const entry of live.values()) if (entry.state === "running" && ++running > CALM_ABOVE_RUNNING) return true;
    return false;
  }, [live]);

  const { onToggleCollapsed, onSelect, onNodeContextMenu } = rest;
  const context = useMemo<GraphContextValue>(
    () => ({ toggleCollapsed: onToggleCollapsed, select: onSelect, openMenu: onNodeContextMenu, liveStore }),
    [onToggleCollapsed, onSelect, onNodeContextMenu, liveStore],
  );

  if (error) return <ErrorAlert className="m-4" error={new Error(`The graph could not be laid out: ${error.message}`)} />;
  if (!graph) {
    return (
      <div className="flex h-full items-center justify-center" data-testid="graph-loading">
        <Spinner label="Laying out the graph" />
      </div>
    );
  }
  return (
    <GraphContext.Provider value={context}>
      <ReactFlowProvider>
        <LaidOutGraph {...rest} graph={graph} calm={calm} />
      </ReactFlowProvider>
    </GraphContext.Provider>
  );
}

type LaidOutGraphProps = Omit<PipelineGraphProps, "spec" | "structureKey" | "live" | "selectedPath" | "onToggleCollapsed"> & { graph: LaidOutGraph; calm: boolean };

const LaidOutGraph = memo(function LaidOutGraph({ graph, calm, revealRequest, onSelect, onNodeContextMenu, onExpandAll, onCollapseAll }: LaidOutGraphProps) {
  const { fitView, setCenter, getViewport } = useReactFlow();
  const containerRef = useRef<HTMLDivElement>(null);
  const far = useStore((state) => state.transform[2] < FAR_ZOOM);

  // The first layout is fitted by React Flow's fitView prop; a new structure is refitted here.
  const fittedKey = useRef(graph.fitKey);
  useEffect(() => {
    if (fittedKey.current === graph.fitKey) return;
    fittedKey.current = graph.fitKey;
    const frame = requestAnimationFrame(() => void fitView(FIT_VIEW_OPTIONS));
    return () => cancelAnimationFrame(frame);
  }, [graph, fitView]);

  const handleClick = useCallback<NodeMouseHandler<PipelineFlowNode>>((_event, node) => onSelect(node.id), [onSelect]);
  const handleContextMenu = useCallback<NodeMouseHandler<PipelineFlowNode>>(
    (event, node) => {
      event.preventDefault();
      onNodeContextMenu(node.id, { x: event.clientX, y: event.clientY });
    },
    [onNodeContextMenu],
  );

  // Bring a node into view when the page asks (keyboard moves, next error). A node that was just
  // expanded into view has no box until its new layout arrives, so the request waits for it.
  const handledReveal = useRef<PipelineGraphProps["revealRequest"]>(null);
  useEffect(() => {
    if (!revealRequest || handledReveal.current === revealRequest) return;
    const box = absoluteBox(graph.spec, graph.layout, revealRequest.path);
    const container = containerRef.current;
    if (!box || !container) return;
    handledReveal.current = revealRequest;
    const { x, y, zoom } = getViewport();
    const left = box.x * zoom + x;
    const top = box.y * zoom + y;
    const visible = left >= 0 && top >= 0 && left + box.width * zoom <= container.clientWidth && top + box.height * zoom <= container.clientHeight;
    if (visible && zoom >= 0.4) return;
    void setCenter(box.x + Math.min(box.width, 400) / 2, box.y + Math.min(box.height, 200) / 2, { zoom: Math.max(zoom, 0.8), duration: 200 });
  }, [revealRequest, graph, getViewport, setCenter]);

  return (
    <div
      ref={containerRef}
      className={`h-full w-full ${calm ? "baton-calm" : ""} ${graph.spec.nodes.length > LARGE_ABOVE_NODES ? "baton-large" : ""} ${far ? "baton-far" : ""}`}
      data-testid="pipeline-graph"
      data-node-count={graph.spec.nodes.length}
      data-layout-ms={graph.layoutMs}
      data-zoom={far ? "far" : "near"}
    >
      <ReactFlow<PipelineFlowNode, PipelineFlowEdge>
        nodes={graph.nodes}
        edges={graph.edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodeClick={handleClick}
        onNodeContextMenu={handleContextMenu}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.02}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
        zoomOnDoubleClick={false}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} showFitView={false} position="bottom-left" />
        <Panel position="top-right" className="flex gap-1">
          <Button variant="secondary" className="bg-white/90 text-xs" onClick={() => void fitView(FIT_VIEW_OPTIONS)} aria-label="Fit to view">
            Fit to view
          </Button>
          <Button variant="secondary" className="bg-white/90 text-xs" onClick={onExpandAll}>
            Expand all
          </Button>
          <Button variant="secondary" className="bg-white/90 text-xs" onClick={onCollapseAll}>
            Collapse all
          </Button>
        </Panel>
      </ReactFlow>
    </div>
  );
});
