import Link from 'next/link';
import { StatusBadge } from '@/components/payments/status-badge';
import { formatDateTime } from '@/lib/format';
import { methodDetail } from '@/lib/history/labels';
import type { HistoryRow } from '@/lib/history/list';
import { formatKes } from '@/lib/money';

export function PaymentRow({ row: p }: { row: HistoryRow }) {
  return (
    <li className="card" data-testid="payment-row" data-reference={p.reference}>
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-lg font-semibold">{formatKes(p.amountMinor)}</p>
          <p className="text-sm text-slate-600">
            {p.product} · <span className="whitespace-nowrap">{p.policyNumber}</span>
          </p>
        </div>
        <StatusBadge status={p.status} amountMinor={p.amountMinor} refundedMinor={p.refundedMinor} />
      </div>
      <p className="mt-1 text-sm text-slate-700">{methodDetail(p)}</p>
      {p.refundedMinor > 0 && (
        <p className="text-sm text-violet-900" data-testid="refunded-amount">
          {formatKes(p.refundedMinor)} refunded to you
        </p>
      )}
      <p className="text-xs text-slate-600">
        <time dateTime={p.createdAt.toISOString()}>{formatDateTime(p.createdAt)}</time> ·{' '}
        <span className="font-mono">{p.reference}</span>
      </p>
      <div className="-ml-2 mt-2 flex gap-2 text-sm font-semibold">
        {p.status === 'completed' && (
          // A file download (PDF), not a page: a plain link, never prefetched.
          <a href={`/api/v1/payments/${p.id}/receipt`} className="inline-flex min-h-11 items-center rounded-lg px-2 text-brand-700 hover:bg-brand-50">
            Receipt<span className="sr-only"> for {p.reference}</span>
          </a>
        )}
        {/* No prefetch: a page of 20 rows would otherwise render 20 payment pages on the server. */}
        <Link href={`/pay/success/${p.id}`} prefetch={false} className="inline-flex min-h-11 items-center rounded-lg px-2 text-brand-700 hover:bg-brand-50">
          Details<span className="sr-only"> of {p.reference}</span>
        </Link>
      </div>
    </li>
  );
}
