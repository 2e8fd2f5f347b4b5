import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { KeyboardEvent, Ref } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ErrorAlert } from "../../../components/ui";
import { logDownloadUrl } from "../api/log-api";
import type { LogTarget } from "../api/log-api";
import { useLogStore } from "../hooks/use-log-store";
import { searchLog } from "../utils/log-search";
import { LogLineRow } from "./log-line-row";

const LINE_HEIGHT = 18;

export interface NodeLogProps {
  target: LogTarget;
  /** The attempt is still running: new lines stream in and the view follows them. */
  live: boolean;
  /** Open at the end of the log (a running or failed attempt) rather than its start. */
  startAtEnd: boolean;
  searchRef?: Ref<HTMLInputElement>;
}

/** The log of one attempt; render it with a key per target so that each attempt gets its own store. */
export function NodeLog({ target, live, startAtEnd, searchRef }: NodeLogProps) {
  const { store, version, error, load, ensureRange } = useLogStore(target, { live, startAtEnd });
  const scrollRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(live);
  const total = store.total;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: 40,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? -1;

  // Fetch what the rows on screen still miss.
  useEffect(() => {
    if (lastIndex >= firstIndex) ensureRange(firstIndex, lastIndex + 1);
  }, [firstIndex, lastIndex, version, ensureRange]);

  // Following the tail: every change scrolls to the bottom.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  }, [follow, total, version]);

  // A log that opens at its end (a failed attempt) starts scrolled there once its tail is in.
  const openedAtEnd = useRef(false);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (openedAtEnd.current || !startAtEnd || !element || total === 0 || !store.hasRange(Math.max(0, total - 1), total)) return;
    openedAtEnd.current = true;
    element.scrollTop = element.scrollHeight;
  }, [startAtEnd, total, version, store]);

  // Scrolling up stops following; scrolling back to the bottom of a live log resumes it.
  const lastScrollTop = useRef(0);
  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const top = element.scrollTop;
    const atBottom = element.scrollHeight - top - element.clientHeight < 4;
    if (top < lastScrollTop.current - 2 && !atBottom) setFollow(false);
    else if (atBottom && live && top > lastScrollTop.current) setFollow(true);
    lastScrollTop.current = top;
  }, [live]);

  // Search over the whole log, fetching what it has not seen.
  const [query, setQuery] = useState("");
  const [match, setMatch] = useState<number | null>(null);
  const [searchState, setSearchState] = useState<"idle" | "searching" | "none">("idle");
  const searchAbort = useRef<AbortController | null>(null);

  const runSearch = useCallback(
    async (text: string, from: number, direction: 1 | -1) => {
      searchAbort.current?.abort();
      if (!text) {
        setMatch(null);
        setSearchState("idle");
        return;
      }
      const controller = new AbortController();
      searchAbort.current = controller;
      setSearchState("searching");
      try {
        const found = await searchLog({ store, query: text, from, direction, load, signal: controller.signal });
        if (controller.signal.aborted) return;
        setMatch(found);
        setSearchState(found === null ? "none" : "idle");
        if (found !== null) {
          openedAtEnd.current = true;
          setFollow(false);
          virtualizer.scrollToIndex(found, { align: "center" });
        }
      } catch {
        if (!controller.signal.aborted) setSearchState("none");
      }
    },
    [store, load, virtualizer],
  );

  useEffect(() => () => searchAbort.current?.abort(), []);

  // A new query searches from the top after a short pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => void runSearch(query, 0, 1), 200);
    return () => clearTimeout(timer);
  }, [query, runSearch]);

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      const direction = event.shiftKey ? -1 : 1;
      void runSearch(query, match === null ? 0 : match + direction, direction);
    } else if (event.key === "Escape") {
      event.currentTarget.blur();
    }
  };

  const status = searchState === "searching" ? "Searching…" : searchState === "none" ? "No match" : match !== null && query ? `Line ${match + 1}` : "";

  return (
    <section className="flex h-full min-h-0 flex-col bg-slate-900 text-slate-100" data-testid="node-log" aria-label={`Log of ${target.path}, attempt ${target.attempt}`}>
      <div className="flex shrink-0 flex-wrap items-center gap-2 border-b border-slate-700 px-2 py-1.5 text-xs">
        <span className="font-medium text-slate-300">
          Log · attempt {target.attempt} · {total.toLocaleString()} lines{live ? " so far" : ""}
        </span>
        <div className="ml-auto flex items-center gap-1">
          <input
            ref={searchRef}
            type="search"
            data-testid="log-search"
            aria-label="Search the log"
            placeholder="Search log  ( / )"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onSearchKey}
            className="w-44 rounded border border-slate-600 bg-slate-800 px-2 py-0.5 text-slate-100 placeholder:text-slate-500 focus:border-sky-400 focus:outline-none"
          />
          <button
            type="button"
            aria-label="Previous match"
            disabled={!query}
            className="rounded px-1.5 py-0.5 text-slate-300 hover:bg-slate-700 disabled:text-slate-600"
            onClick={() => void runSearch(query, match === null ? total - 1 : match - 1, -1)}
          >
            ↑
          </button>
          <button
            type="button"
            aria-label="Next match"
            disabled={!query}
            className="rounded px-1.5 py-0.5 text-slate-300 hover:bg-slate-700 disabled:text-slate-600"
            onClick={() => void runSearch(query, match === null ? 0 : match + 1, 1)}
          >
            ↓
          </button>
          <span data-testid="log-search-status" aria-live="polite" className="min-w-16 text-slate-400">
            {status}
          </span>
        </div>
        <button
          type="button"
          data-testid="log-follow"
          aria-pressed={follow}
          aria-label="Follow the tail"
          className={`rounded px-2 py-0.5 ring-1 ring-inset ${follow ? "bg-sky-500/20 text-sky-200 ring-sky-500/60" : "text-slate-300 ring-slate-600 hover:bg-slate-700"}`}
          onClick={() => setFollow((value) => !value)}
        >
          {follow ? "Following" : "Follow"}
        </button>
        <a
          href={logDownloadUrl(target)}
          download
          data-testid="log-download"
          className="rounded px-2 py-0.5 text-slate-300 ring-1 ring-inset ring-slate-600 hover:bg-slate-700"
        >
          Download
        </a>
      </div>
      {error && <ErrorAlert error={error} className="m-2" />}
      <div ref={scrollRef} onScroll={onScroll} className="relative min-h-0 flex-1 overflow-auto font-mono text-xs" data-testid="log-scroll" tabIndex={0}>
        {total === 0 ? (
          <p className="p-3 text-slate-500">{live ? "Waiting for output…" : store.complete ? "This attempt printed nothing." : "Loading…"}</p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {items.map((item) => (
              <LogLineRow key={item.index} n={item.index} top={item.start} line={store.line(item.index)} query={query} current={item.index === match} />
            ))}
          </div>
        )}
      </div>
    </section>
  );
}

