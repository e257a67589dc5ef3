import type { Refund } from '@/db/schema';
import { REFUND_LABELS } from '@/lib/refunds/status';

export function RefundBadge({ status }: { status: Refund['status'] }) {
  const s = REFUND_LABELS[status];
  return (
    <span data-testid="refund-status" className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-semibold ${s.className}`}>
      {s.label}
    </span>
  );
}
