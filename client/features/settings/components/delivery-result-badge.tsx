import type { DeliveryResult } from "../../../../shared/api/repositories";

const STYLES: Record<DeliveryResult, { label: string; className: string }> = {
  accepted: { label: "processing", className: "bg-blue-50 text-blue-800 ring-blue-200" },
  launched: { label: "launched", className: "bg-green-50 text-green-800 ring-green-200" },
  ignored: { label: "ignored", className: "bg-slate-100 text-slate-700 ring-slate-200" },
  rejected: { label: "rejected", className: "bg-amber-50 text-amber-900 ring-amber-200" },
  error: { label: "error", className: "bg-red-50 text-red-800 ring-red-200" },
};

export function DeliveryResultBadge({ result }: { result: DeliveryResult }) {
  const style = STYLES[result];
  return (
    <span
      data-testid="delivery-result"
      data-result={result}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}
    >
      {style.label}
    </span>
  );
}
