import { useCallback, useEffect, useRef, useState } from "react";
import type { LogLinesEvent } from "../../../../shared/api/socket-events";
import { useSocket } from "../../../lib/socket";
import { fetchLogPage } from "../api/log-api";
import type { LogTarget } from "../api/log-api";
import { LogStore } from "../utils/log-store";

export const LOG_PAGE_SIZE = 1000;

export interface LogStoreHandle {
  store: LogStore;
  /** Changes whenever the store does (at most once per animation frame). */
  version: number;
  error: Error | null;
  /** Fetches lines [from, from + limit) (used by search, which reads far ahead). */
  load: (from: number, limit: number) => Promise<void>;
  /** Fetches whatever pages lines [start, end) still miss (the rows on screen). */
  ensureRange: (start: number, end: number) => void;
}

/**
 * One attempt's log (the component using it is keyed by pipeline, path and attempt): the first page, the last page when the viewer starts at the tail, pages on
 * demand as rows scroll into view, and live lines from the socket while the attempt runs.
 */
export function useLogStore(target: LogTarget, options: { live: boolean; startAtEnd: boolean }): LogStoreHandle {
  const socket = useSocket();
  const { pipelineId, path, attempt } = target;
  // The caller keys its component by target, so one store serves one attempt for its whole life.
  const [store] = useState(() => new LogStore(LOG_PAGE_SIZE));
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<Error | null>(null);

  // Re-render at most once per frame however fast lines arrive.
  useEffect(() => {
    let frame = 0;
    const unsubscribe = store.subscribe(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion(store.version);
      });
    });
    setVersion(store.version);
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [store]);

  const fetchPage = useCallback(
    async (index: number, signal?: AbortSignal) => {
      store.markLoading(index);
      try {
        const page = await fetchLogPage({ pipelineId, path, attempt }, index * store.pageSize, store.pageSize, signal);
        store.applyPage(page);
        setError(null);
      } catch (cause) {
        store.markFailed(index);
        if (!signal?.aborted) setError(cause as Error);
      }
    },
    [store, pipelineId, path, attempt],
  );

  const load = useCallback(
    async (from: number, limit: number) => {
      const page = await fetchLogPage({ pipelineId, path, attempt }, from, limit);
      store.applyPage(page);
    },
    [store, pipelineId, path, attempt],
  );

  const ensureRange = useCallback(
    (start: number, end: number) => {
      for (const index of store.pagesToFetch(start, end)) void fetchPage(index);
    },
    [store, fetchPage],
  );

  // The first page tells the total; the last page is what a viewer at the tail sees first.
  const { startAtEnd } = options;
  useEffect(() => {
    const controller = new AbortController();
    void (async () => {
      await fetchPage(0, controller.signal);
      const lastPage = Math.floor(Math.max(store.total - 1, 0) / store.pageSize);
      if (startAtEnd && lastPage > 0 && !controller.signal.aborted) await fetchPage(lastPage, controller.signal);
    })();
    return () => controller.abort();
    // Only once per attempt: startAtEnd is read when the log opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, fetchPage]);

  // Live lines, for every viewer of this attempt.
  const { live } = options;
  useEffect(() => {
    if (!live) return;
    const subscription = { pipelineId, path, attempt };
    const onLines = (event: LogLinesEvent) => {
      if (event.pipelineId !== pipelineId || event.path !== path || event.attempt !== attempt) return;
      store.addLines(event.lines);
    };
    let missed = false;
    const onConnect = () => {
      socket.emit("log:subscribe", subscription);
      if (missed) {
        missed = false;
        store.forgetPages();
        const lastPage = Math.floor(Math.max(store.total - 1, 0) / store.pageSize);
        void fetchPage(lastPage);
      }
    };
    const onDisconnect = () => {
      missed = true;
    };
    socket.on("log:lines", onLines);
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    if (socket.connected) socket.emit("log:subscribe", subscription);
    return () => {
      socket.off("log:lines", onLines);
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      if (socket.connected) socket.emit("log:unsubscribe", subscription);
    };
  }, [socket, store, pipelineId, path, attempt, live, fetchPage]);

  // When the attempt ends, read the tail once more: its last lines and the final total.
  const previousLive = useRef(live);
  useEffect(() => {
    const wasLive = previousLive.current;
    previousLive.current = live;
    if (live || !wasLive) return;
    const timer = setTimeout(() => {
      store.forgetPages();
      const lastPage = Math.floor(Math.max(store.total - 1, 0) / store.pageSize);
      void fetchPage(lastPage);
    }, 300);
    return () => clearTimeout(timer);
  }, [live, store, fetchPage]);

  return { store, version, error, load, ensureRange };
}
