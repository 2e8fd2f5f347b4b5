import { memo } from "react";
import { Link } from "react-router";
import type { DeliveryView } from "../../../../shared/api/repositories";
import { Button, ErrorAlert } from "../../../components/ui";
import { formatRelative, formatTime } from "../../../lib/format";
import { useNow } from "../../../lib/hooks";
import { useRedeliver } from "../hooks/use-deliveries";
import { describeDeliveryEvent } from "../utils/delivery-text";
import { DeliveryResultBadge } from "./delivery-result-badge";

function Received({ at }: { at: number }) {
  const now = useNow(10_000);
  return (
    <time dateTime={new Date(at).toISOString()} title={formatRelative(at, now)}>
      {formatTime(at, now)}
    </time>
  );
}

interface RowProps {
  delivery: DeliveryView;
  redelivering: boolean;
  onRedeliver: (id: number) => void;
}

const DeliveryRow = memo(function DeliveryRow({ delivery, redelivering, onRedeliver }: RowProps) {
  return (
    <tr data-testid="delivery-row" data-id={delivery.id} data-result={delivery.result} data-guid={delivery.guid ?? ""} className="border-t border-slate-100 align-top">
      <td className="px-3 py-1.5 whitespace-nowrap text-slate-600 tabular-nums">
        <Received at={delivery.receivedAt} />
      </td>
      <td className="px-3 py-1.5 text-slate-800">
        {describeDeliveryEvent(delivery)}
        {delivery.source !== "github" && <span className="ml-1.5 rounded bg-slate-100 px-1 text-xs text-slate-500">{delivery.source}</span>}
      </td>
      <td className="max-w-[16rem] px-3 py-1.5">
        <span className="text-slate-500">#{delivery.id}</span>{" "}
        {delivery.guid && (
          <span className="font-mono text-xs break-all text-slate-600" title="X-GitHub-Delivery">
            {delivery.guid}
          </span>
        )}
        {delivery.redeliveryOf !== null && <span className="block text-xs text-slate-500">redelivery of #{delivery.redeliveryOf}</span>}
      </td>
      <td className="px-3 py-1.5">
        <DeliveryResultBadge result={delivery.result} />
        {delivery.status > 0 && <span className="ml-1.5 text-xs text-slate-500 tabular-nums">HTTP {delivery.status}</span>}
        {delivery.reason && (
          <p className="mt-0.5 max-w-md text-xs break-words text-slate-600" data-testid="delivery-reason">
            {delivery.reason}
          </p>
        )}
      </td>
      <td className="px-3 py-1.5">
        {delivery.pipelines.length === 0 ? (
          <span className="text-slate-400">—</span>
        ) : (
          <ul className="space-y-0.5">
            {delivery.pipelines.map((pipeline) => (
              <li key={pipeline.id}>
                <Link
                  to={`/pipelines/${encodeURIComponent(pipeline.id)}`}
                  className="text-blue-700 hover:underline"
                  data-testid="delivery-pipeline-link"
                  data-pipeline-id={pipeline.id}
                >
                  [{pipeline.section}] <span className="font-mono text-xs">{pipeline.id}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="px-3 py-1.5 text-right">
        {delivery.canRedeliver && (
          <Button variant="ghost" onClick={() => onRedeliver(delivery.id)} disabled={redelivering} data-testid="redeliver-button">
            {redelivering ? "Redelivering…" : "Redeliver"}
          </Button>
        )}
      </td>
    </tr>
  );
});

/** The deliveries log of one repository, newest first, with redelivery. */
export function DeliveriesTable({ deliveries }: { deliveries: readonly DeliveryView[] }) {
  const redeliver = useRedeliver();
  const failed = redeliver.error ? new Error(`Redelivering #${redeliver.variables}: ${redeliver.error.message}`) : null;
  return (
    <div className="space-y-2">
      <ErrorAlert error={failed} />
      {redeliver.data && (
        <p className="text-sm text-slate-600" role="status" data-testid="redeliver-result">
          Redelivered as #{redeliver.data.delivery}: {redeliver.data.result}
          {redeliver.data.reason ? ` (${redeliver.data.reason})` : ""}
        </p>
      )}
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm" data-testid="deliveries-table">
          <thead className="bg-slate-50 text-left text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-3 py-2 font-medium">Time</th>
              <th className="px-3 py-2 font-medium">Event</th>
              <th className="px-3 py-2 font-medium">Delivery</th>
              <th className="px-3 py-2 font-medium">Result</th>
              <th className="px-3 py-2 font-medium">Pipelines</th>
              <th className="px-3 py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <DeliveryRow
                key={delivery.id}
                delivery={delivery}
                redelivering={redeliver.isPending && redeliver.variables === delivery.id}
                onRedeliver={redeliver.mutate}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
