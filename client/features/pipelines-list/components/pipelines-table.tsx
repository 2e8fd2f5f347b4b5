import { memo } from "react";
import { Link, useNavigate } from "react-router";
import type { PipelineSummary } from "../../../../shared/api/pipeline-views";
import { isActive } from "../../../../shared/pipeline/node-state";
import { StateBadge } from "../../../components/ui";
import { formatElapsed, formatRelative, formatTime } from "../../../lib/format";
import { useNow } from "../../../lib/hooks";

function Duration({ pipeline }: { pipeline: PipelineSummary }) {
  const running = isActive(pipeline.state);
  const now = useNow(1000, running);
  return <>{formatElapsed(pipeline.startedAt, running ? null : pipeline.endedAt, now)}</>;
}

function Started({ at }: { at: number }) {
  const now = useNow(30_000);
  return <time dateTime={new Date(at).toISOString()} title={formatTime(at, now)}>{formatRelative(at, now)}</time>;
}

/** Who or what started it: "user:alice" reads as "alice". */
export function formatTrigger(trigger: string): string {
  const [kind, ...rest] = trigger.split(":");
  if (rest.length === 0) return trigger;
  const who = rest.join(":");
  return kind === "user" ? who : `${who} (${kind})`;
}

const Row = memo(function Row({ pipeline }: { pipeline: PipelineSummary }) {
  const navigate = useNavigate();
  const href = `/pipelines/${encodeURIComponent(pipeline.id)}`;
  return (
    <tr
      data-testid="pipeline-row"
      data-id={pipeline.id}
      data-state={pipeline.state}
      className="cursor-pointer border-t border-slate-100 hover:bg-slate-50"
      onClick={(event) => {
        if ((event.target as HTMLElement).closest("a")) return;
        void navigate(href);
      }}
    >
      <td className="px-3 py-1.5">
        <Link to={href} className="font-medium text-slate-900 hover:underline">
          {pipeline.repo ?? "local"}
        </Link>
      </td>
      <td className="px-3 py-1.5 font-mono text-xs text-slate-700">{pipeline.branch ?? "—"}</td>
      <td className="px-3 py-1.5 text-slate-700">
        {pipeline.event ?? "—"}
        {pipeline.section && pipeline.section !== pipeline.event && <span className="text-slate-400"> · {pipeline.section}</span>}
      </td>
      <td className="px-3 py-1.5">
        <StateBadge state={pipeline.state} />
      </td>
      <td className="px-3 py-1.5 text-slate-700">{formatTrigger(pipeline.trigger)}</td>
      <td className="px-3 py-1.5 text-slate-600">
        <Started at={pipeline.startedAt ?? pipeline.createdAt} />
      </td>
      <td className="px-3 py-1.5 tabular-nums text-slate-600">
        <Duration pipeline={pipeline} />
      </td>
    </tr>
  );
});

export function PipelinesTable({ pipelines }: { pipelines: readonly PipelineSummary[] }) {
  return (
    <table className="w-full border-collapse text-sm" data-testid="pipelines-table">
      <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
        <tr>
          <th className="px-3 py-2 font-medium">Repository</th>
          <th className="px-3 py-2 font-medium">Branch</th>
          <th className="px-3 py-2 font-medium">Event</th>
          <th className="px-3 py-2 font-medium">State</th>
          <th className="px-3 py-2 font-medium">Who</th>
          <th className="px-3 py-2 font-medium">Started</th>
          <th className="px-3 py-2 font-medium">Duration</th>
        </tr>
      </thead>
      <tbody>
        {pipelines.map((pipeline) => (
          <Row key={pipeline.id} pipeline={pipeline} />
        ))}
      </tbody>
    </table>
  );
}
