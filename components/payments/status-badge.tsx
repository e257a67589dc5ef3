import type { PaymentStatus } from '@/db/schema';
import { STATUS_LABELS } from '@/lib/history/labels';

const STYLES: Record<PaymentStatus, string> = {
  pending: 'bg-amber-100 text-amber-900',
  completed: 'bg-brand-100 text-brand-800',
  failed: 'bg-red-100 text-red-800',
  cancelled: 'bg-slate-200 text-slate-700',
  expired: 'bg-slate-200 text-slate-700',
  review: 'bg-sky-100 text-sky-900',
};

export function StatusBadge({ status }: { status: PaymentStatus }) {
  return (
    <span data-testid="status-badge" className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-semibold ${STYLES[status]}`}>
      {STATUS_LABELS[status]}
    </span>
  );
}
