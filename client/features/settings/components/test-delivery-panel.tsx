import { useState } from "react";
import type { TestDeliveryRequest } from "../../../../shared/api/repositories";
import { Button, ErrorAlert } from "../../../components/ui";
import { useTestDelivery } from "../hooks/use-deliveries";
import { summariseTestDelivery } from "../utils/delivery-text";
import { selectClass } from "./field";

/**
 * Baton signs a delivery with the repository's secret and sends it to its own webhook endpoint:
 * a push of the default branch's head (which launches the [push] section) or a ping.
 */
export function TestDeliveryPanel({ repositoryId, defaultBranch }: { repositoryId: number; defaultBranch: string }) {
  const [event, setEvent] = useState<TestDeliveryRequest["event"]>("push");
  const test = useTestDelivery(repositoryId);
  const summary = test.data ? summariseTestDelivery(test.data) : null;
  return (
    <div className="space-y-2" data-testid="test-delivery">
      <div className="flex flex-wrap items-center gap-2">
        <select aria-label="Test delivery event" value={event} onChange={(e) => setEvent(e.target.value as TestDeliveryRequest["event"])} className={selectClass}>
          <option value="push">push of {defaultBranch}'s head</option>
          <option value="ping">ping</option>
        </select>
        <Button variant="primary" onClick={() => test.mutate({ event })} disabled={test.isPending} data-testid="test-delivery-button">
          {test.isPending ? "Sending…" : "Send test delivery"}
        </Button>
      </div>
      <ErrorAlert error={test.error} />
      {summary && (
        <p
          className={`rounded-md border px-3 py-2 text-sm ${summary.ok ? "border-green-200 bg-green-50 text-green-900" : "border-red-200 bg-red-50 text-red-800"}`}
          role={summary.ok ? "status" : "alert"}
          data-testid="test-delivery-result"
          data-ok={String(summary.ok)}
          data-delivery={summary.delivery ?? ""}
        >
          {summary.delivery !== null && <span className="font-medium">Delivery #{summary.delivery}: </span>}
          {summary.text}
        </p>
      )}
    </div>
  );
}
