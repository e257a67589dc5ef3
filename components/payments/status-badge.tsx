import type { PaymentStatus } from '@/db/schema';
import { STATUS_LABELS } from '@/lib/history/labels';
import { REFUND_STATE_LABELS, refundStateOf } from '@/lib/payments/refunded';

// Text colours are the 800/900 shades: at least 4.5:1 on their tinted backgrounds (axe).
const STYLES: Record<PaymentStatus, string> = {
  pending: 'bg-amber-100 text-amber-900',
  completed: 'bg-brand-100 text-brand-800',
  failed: 'bg-red-100 text-red-800',
  cancelled: 'bg-slate-200 text-slate-800',
  expired: 'bg-slate-200 text-slate-800',
  review: 'bg-sky-100 text-sky-900',
};

/** With `refundedMinor` (from the ledger), a refunded payment reads "Refunded" / "Part refunded", not "Paid". */
export function StatusBadge({ status, amountMinor = 0, refundedMinor = 0 }: { status: PaymentStatus; amountMinor?: number; refundedMinor?: number }) {
  const refund = refundStateOf({ status, amountMinor, refundedMinor });
  return (
    <span
      data-testid="status-badge"
      className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-semibold ${refund ? 'bg-violet-100 text-violet-900' : STYLES[status]}`}
    >
      {refund ? REFUND_STATE_LABELS[refund] : STATUS_LABELS[status]}
    </span>
  );
}
