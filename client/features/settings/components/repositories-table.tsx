import { memo } from "react";
import { Link } from "react-router";
import type { RepositoryView } from "../../../../shared/api/repositories";
import { formatRelative, formatTime } from "../../../lib/format";
import { useNow } from "../../../lib/hooks";
import { useLastDelivery } from "../hooks/use-deliveries";
import { DeliveryResultBadge } from "./delivery-result-badge";
import { EventsList, StatusesState } from "./repository-status";

export function repositoryHref(id: number): string {
  return `/settings/repositories/${id}`;
}

function LastDelivery({ repositoryId }: { repositoryId: number }) {
  const last = useLastDelivery(repositoryId);
  const now = useNow(30_000);
  if (last.isPending) return <span className="text-slate-400">…</span>;
  if (last.isError) return <span className="text-red-700">unavailable</span>;
  if (!last.data) return <span className="text-slate-400">none yet</span>;
  return (
    <span className="inline-flex items-center gap-1.5" data-testid="repository-last-delivery">
      <DeliveryResultBadge result={last.data.result} />
      <time dateTime={new Date(last.data.receivedAt).toISOString()} title={formatTime(last.data.receivedAt, now)} className="text-slate-600">
        {formatRelative(last.data.receivedAt, now)}
      </time>
    </span>
  );
}

const Row = memo(function Row({ repository }: { repository: RepositoryView }) {
  return (
    <tr data-testid="repository-row" data-id={repository.id} data-name={repository.name} className="border-t border-slate-100 align-top hover:bg-slate-50">
      <td className="px-3 py-2">
        <Link to={repositoryHref(repository.id)} className="font-medium text-slate-900 hover:underline" data-testid="repository-link">
          {repository.name}
        </Link>
      </td>
      <td className="max-w-xs px-3 py-2 font-mono text-xs break-all text-slate-700">{repository.cloneUrl}</td>
      <td className="px-3 py-2 font-mono text-xs text-slate-700">{repository.defaultBranch}</td>
      <td className="px-3 py-2">
        <EventsList events={repository.events} />
      </td>
      <td className="px-3 py-2">
        <StatusesState statuses={repository.statuses} />
      </td>
      <td className="px-3 py-2 whitespace-nowrap">
        <LastDelivery repositoryId={repository.id} />
      </td>
      <td className="px-3 py-2 text-right">
        <Link to={repositoryHref(repository.id)} className="text-sm text-blue-700 hover:underline">
          Manage
        </Link>
      </td>
    </tr>
  );
});

export function RepositoriesTable({ repositories }: { repositories: readonly RepositoryView[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm" data-testid="repositories-table">
        <thead className="bg-slate-50 text-left text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th className="px-3 py-2 font-medium">Name</th>
            <th className="px-3 py-2 font-medium">Clone URL</th>
            <th className="px-3 py-2 font-medium">Default branch</th>
            <th className="px-3 py-2 font-medium">Events</th>
            <th className="px-3 py-2 font-medium">Commit statuses</th>
            <th className="px-3 py-2 font-medium">Last delivery</th>
            <th className="px-3 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {repositories.map((repository) => (
            <Row key={repository.id} repository={repository} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
