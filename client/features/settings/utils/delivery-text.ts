import { ApiError } from "../../../../shared/api/api-contract";
import { WebhookAnswer } from "../../../../shared/api/repositories";
import type { DeliveryView, TestDeliveryResult } from "../../../../shared/api/repositories";

/** "push", "pull_request · opened", "cron · nightly". */
export function describeDeliveryEvent(delivery: Pick<DeliveryView, "event" | "action">): string {
  return delivery.action ? `${delivery.event} · ${delivery.action}` : delivery.event;
}

export interface TestDeliverySummary {
  ok: boolean;
  /** The delivery it made in the log, when the endpoint logged one. */
  delivery: number | null;
  text: string;
}

/** What Baton's own webhook endpoint answered to a signed test delivery, in a sentence. */
export function summariseTestDelivery(result: TestDeliveryResult): TestDeliverySummary {
  const answer = WebhookAnswer.safeParse(result.answer);
  if (answer.success) {
    const { delivery, result: outcome, reason, pipelines = [] } = answer.data;
    const ok = outcome === "accepted" || outcome === "launched" || outcome === "ignored";
    const sections = pipelines.length > 0 ? ` ${pipelines.map((p) => `[${p.section}]`).join(", ")}` : "";
    const text = `HTTP ${result.status}: ${outcome}${sections}${reason ? ` (${reason})` : ""}`;
    return { ok, delivery, text: outcome === "accepted" ? `${text}, processing in the background` : text };
  }
  const error = ApiError.safeParse(result.answer);
  const delivery = typeof (result.answer as { delivery?: unknown } | null)?.delivery === "number" ? (result.answer as { delivery: number }).delivery : null;
  if (error.success) return { ok: false, delivery, text: `HTTP ${result.status}: ${error.data.error.message}` };
  return { ok: result.status < 300, delivery, text: `HTTP ${result.status}` };
}
