import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import type { NodeAction } from "../../../../shared/api/node-actions";
import { canRerun } from "../../../../shared/pipeline/node-state";
import { ErrorAlert, Spinner } from "../../../components/ui";
import { isApiRequestError, queries } from "../../../lib/api";
import { useStableCallback } from "../../../lib/hooks";
import { ancestorsOf, countLeafStates, hasFailedLeaves, isFailedLeaf, nextMatching, rootState, stepSelection } from "../../../lib/pipeline";
import type { NodeLive, PipelineModel } from "../../../lib/pipeline";
import { NodeActionMenu, useActionRunner } from "../../node-actions";
import { NodePanel } from "../../node-panel";
import { useCan } from "../../sign-in";
import { PipelineGraph, containerPaths, useGraphSpec } from "../../pipeline-graph";
import { useKeyboardShortcuts } from "../hooks/use-keyboard-shortcuts";
import { usePipeline } from "../hooks/use-pipeline";
import { usePipelineLive } from "../hooks/use-pipeline-live";
import { PipelineHeader } from "./pipeline-header";

export function PipelinePage() {
  const { id = "" } = useParams();
  return <PipelineView key={id} id={id} />;
}

function PipelineView({ id }: { id: string }) {
  const query = usePipeline(id);
  usePipelineLive(id);
  if (query.isPending) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Loading the pipeline" />
      </div>
    );
  }
  if (query.isError) {
    const notFound = isApiRequestError(query.error) && query.error.status === 404;
    return (
      <main className="space-y-3 p-6">
        <ErrorAlert error={notFound ? new Error(`There is no pipeline ${id}.`) : query.error} />
        <Link to="/" className="text-sm text-blue-700 underline">
          Back to the pipelines
        </Link>
      </main>
    );
  }
  return <LoadedPipeline id={id} model={query.data} />;
}

const EMPTY_SET: ReadonlySet<string> = new Set();

function LoadedPipeline({ id, model }: { id: string; model: PipelineModel }) {
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedPath = searchParams.get("node");
  const attemptParam = Number(searchParams.get("attempt")) || null;
  const selectedNode = selectedPath ? model.nodes.get(selectedPath) : undefined;
  const selectedLive = selectedPath ? model.live.get(selectedPath) : undefined;

  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(EMPTY_SET);
  const spec = useGraphSpec(model.structure, collapsed);
  const visibleOrder = useMemo(() => spec.nodes.map((node) => node.id), [spec]);
  const counts = useMemo(() => countLeafStates(model), [model]);
  const hasErrors = useMemo(() => hasFailedLeaves(model), [model]);
  const state = rootState(model);

  const runner = useActionRunner(id);
  const canOperate = useCan("operate");
  const [reveal, setReveal] = useState<{ path: string } | null>(null);
  const [menu, setMenu] = useState<{ path: string; x: number; y: number } | null>(null);
  const [modifyFor, setModifyFor] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const modelRef = useRef(model);
  useEffect(() => {
    modelRef.current = model;
  }, [model]);
  // The selection as of the last key press, ahead of the URL (keys can come faster than renders).
  const selectionRef = useRef(selectedPath);
  useEffect(() => {
    selectionRef.current = selectedPath;
  }, [selectedPath]);

  const setParams = useStableCallback((update: (params: URLSearchParams) => void) => {
    setSearchParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        update(next);
        return next;
      },
      { replace: true },
    );
  });

  const select = useStableCallback((path: string, options: { reveal?: boolean } = {}) => {
    selectionRef.current = path;
    if (path !== selectedPath) {
      setParams((params) => {
        params.set("node", path);
        params.delete("attempt");
      });
    }
    if (options.reveal) setReveal({ path });
  });

  const selectAttempt = useStableCallback((n: number) => setParams((params) => params.set("attempt", String(n))));

  /** Opens the collapsed groups above a path so that it is on the graph. */
  const expandTo = useStableCallback((path: string) => {
    const ancestors = ancestorsOf(modelRef.current, path);
    setCollapsed((previous) => {
      const closed = ancestors.filter((ancestor) => previous.has(ancestor));
      if (closed.length === 0) return previous;
      const next = new Set(previous);
      for (const ancestor of closed) next.delete(ancestor);
      return next;
    });
  });

  const toggleCollapsed = useStableCallback((path: string) => {
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  });
  const expandAll = useStableCallback(() => setCollapsed(EMPTY_SET));
  const collapseAll = useStableCallback(() => setCollapsed(new Set(containerPaths(modelRef.current.structure.root).filter((path) => path !== "/"))));

  const nextError = useStableCallback(() => {
    const current = modelRef.current;
    const path = nextMatching(current.order, selectionRef.current, (candidate) => isFailedLeaf(current, candidate));
    if (!path) return;
    expandTo(path);
    select(path, { reveal: true });
  });

  const requestAction = useStableCallback((action: NodeAction) => {
    if (!canOperate) return;
    // A rerun makes a new attempt: let the log follow it.
    if ((action.action === "rerun" || action.action === "modify") && action.path === selectedPath) setParams((params) => params.delete("attempt"));
    runner.request(action);
  });

  const step = (direction: 1 | -1) => {
    const path = stepSelection(visibleOrder, selectionRef.current, direction);
    if (path) select(path, { reveal: true });
  };

  useKeyboardShortcuts({
    next: () => step(1),
    previous: () => step(-1),
    nextError,
    rerun: () => {
      if (selectedPath && selectedLive && canRerun(selectedLive.state)) requestAction({ action: "rerun", path: selectedPath });
    },
    search: () => searchRef.current?.focus(),
  });

  // Deltas carry states, not attempt details: refetch (debounced) when the selected node's are stale.
  // One refetch per live state at most, whatever the server's detail says.
  const stale = !!selectedNode && !!selectedLive && (selectedNode.view.state !== selectedLive.state || selectedNode.view.attempts.length !== selectedLive.attempts);
  const refetchedFor = useRef<NodeLive | null>(null);
  useEffect(() => {
    if (!stale || !selectedLive || refetchedFor.current === selectedLive) return;
    const timer = setTimeout(() => {
      refetchedFor.current = selectedLive;
      void queryClient.invalidateQueries({ queryKey: queries.pipelines.detail(id), exact: true }, { cancelRefetch: false });
    }, 400);
    return () => clearTimeout(timer);
  }, [stale, selectedLive, id, queryClient]);

  const onNodeContextMenu = useStableCallback((path: string, position: { x: number; y: number }) => {
    select(path);
    if (canOperate) setMenu({ path, ...position });
  });
  const closeMenu = useStableCallback(() => setMenu(null));
  const openModify = useStableCallback((path: string) => {
    select(path);
    setModifyFor(path);
  });
  const onModifyOpenChange = useStableCallback((open: boolean) => setModifyFor(open ? selectedPath : null));
  const rerunFailed = useStableCallback(() => runner.request({ action: "rerunFailed" }));
  const killAll = useStableCallback(() => runner.request({ action: "kill", path: "/" }));

  const last = runner.last;
  const lastPath = last && "path" in last.action ? last.action.path : undefined;
  const errorInPanel = !!last?.error && last.action.action !== "rerunFailed" && !(last.action.action === "kill" && lastPath === "/") && lastPath === selectedPath;
  const menuNode = menu ? model.nodes.get(menu.path) : undefined;
  const menuLive = menu ? model.live.get(menu.path) : undefined;

  return (
    <div className="flex h-full flex-col" data-testid="pipeline-page" data-pipeline-id={id} data-state={state}>
      <PipelineHeader
        detail={model.detail}
        state={state}
        counts={counts}
        hasErrors={hasErrors}
        onNextError={nextError}
        onRerunFailed={rerunFailed}
        onKillAll={killAll}
        canOperate={canOperate}
      />
      {last?.error && !errorInPanel && (
        <div className="flex items-start gap-2 border-b border-slate-200 bg-white px-4 py-2">
          <ErrorAlert error={last.error} className="flex-1" />
          <button type="button" aria-label="Dismiss error" className="px-1 text-slate-400 hover:text-slate-700" onClick={runner.dismissError}>
            ×
          </button>
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          <PipelineGraph
            spec={spec}
            structureKey={model.structure}
            live={model.live}
            selectedPath={selectedPath}
            revealRequest={reveal}
            onSelect={select}
            onToggleCollapsed={toggleCollapsed}
            onNodeContextMenu={onNodeContextMenu}
            onExpandAll={expandAll}
            onCollapseAll={collapseAll}
          />
        </div>
        <div className="w-[44%] min-w-[380px] max-w-[820px] border-l border-slate-200 bg-white">
          {selectedNode && selectedLive ? (
            <NodePanel
              pipelineId={id}
              node={selectedNode}
              live={selectedLive}
              attempt={attemptParam}
              onSelectAttempt={selectAttempt}
              onAction={requestAction}
              actionError={errorInPanel ? last!.error : null}
              actionPending={!!last?.pending && lastPath === selectedPath}
              onDismissError={runner.dismissError}
              modifyOpen={modifyFor === selectedPath}
              onModifyOpenChange={onModifyOpenChange}
              canOperate={canOperate}
              searchRef={searchRef}
            />
          ) : (
            <div className="p-4 text-sm text-slate-500" data-testid="node-panel-empty">
              <p>Select a node to see its command, attempts and log.</p>
              <p className="mt-2">
                Keys: <kbd className="rounded border px-1">j</kbd>/<kbd className="rounded border px-1">k</kbd> next/previous node,{" "}
                <kbd className="rounded border px-1">e</kbd> next error, <kbd className="rounded border px-1">r</kbd> rerun,{" "}
                <kbd className="rounded border px-1">/</kbd> search the log. Right-click a node for its actions.
              </p>
            </div>
          )}
        </div>
      </div>
      {runner.dialog}
      {menu && menuNode && menuLive && (
        <NodeActionMenu
          path={menu.path}
          node={{ type: menuNode.view.type, state: menuLive.state, skipped: menuLive.skipped }}
          position={menu}
          onAction={requestAction}
          onModify={openModify}
          onClose={closeMenu}
        />
      )}
    </div>
  );
}
