import type { PaymentStatus } from '@/db/schema';

const STYLES: Record<PaymentStatus, { label: string; className: string }> = {
  pending: { label: 'Pending', className: 'bg-amber-100 text-amber-900' },
  completed: { label: 'Paid', className: 'bg-brand-100 text-brand-800' },
  failed: { label: 'Failed', className: 'bg-red-100 text-red-800' },
  cancelled: { label: 'Cancelled', className: 'bg-slate-200 text-slate-700' },
  expired: { label: 'Expired', className: 'bg-slate-200 text-slate-700' },
  review: { label: 'Under review', className: 'bg-sky-100 text-sky-900' },
};

export function StatusBadge({ status }: { status: PaymentStatus }) {
  const s = STYLES[status];
  return (
    <span data-testid="status-badge" className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-semibold ${s.className}`}>
      {s.label}
    </span>
  );
}
