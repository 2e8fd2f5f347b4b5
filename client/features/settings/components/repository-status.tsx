import { ALL_REPOSITORY_EVENTS } from "../../../../shared/api/repositories";
import type { RepositoryView } from "../../../../shared/api/repositories";

/** Commit statuses: sent only with a token, and the page says why not. */
export function StatusesState({ statuses }: { statuses: RepositoryView["statuses"] }) {
  const enabled = statuses === "enabled";
  const reason = enabled ? null : statuses.replace(/^disabled:\s*/, "");
  return (
    <span data-testid="repository-statuses" data-enabled={String(enabled)} className="inline-flex items-center gap-1.5 text-sm">
      <span className={`h-2 w-2 rounded-full ${enabled ? "bg-green-500" : "bg-slate-300"}`} aria-hidden="true" />
      {enabled ? "enabled" : "disabled"}
      {reason && <span className="text-slate-500"> ({reason})</span>}
    </span>
  );
}

export function EventsList({ events }: { events: RepositoryView["events"] }) {
  if (events.length === 0) return <span className="text-slate-500">none</span>;
  if (events.length === ALL_REPOSITORY_EVENTS.length) return <span className="text-slate-700">all</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {events.map((event) => (
        <span key={event} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
          {event}
        </span>
      ))}
    </span>
  );
}
