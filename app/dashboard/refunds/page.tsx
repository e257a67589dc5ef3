import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { RefundBadge } from '@/components/refunds/refund-badge';
import { requireHolder } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { listHolderRefunds } from '@/lib/refunds/queries';
import { REFUND_LABELS } from '@/lib/refunds/status';

export const metadata: Metadata = { title: 'Your refunds' };
export const dynamic = 'force-dynamic';

export default async function RefundsPage({ searchParams }: { searchParams: Promise<{ requested?: string }> }) {
  const viewer = await requireHolder('/dashboard/refunds');
  const { requested } = await searchParams;
  const rows = await listHolderRefunds(await getDb(), viewer);
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Refunds</h1>
        <Link href="/dashboard/refunds/new" className="text-sm font-semibold text-brand-700">Request a refund</Link>
      </div>
      {requested && rows.some((r) => r.refund.id === requested) && (
        <p role="status" className="rounded-xl bg-brand-50 px-4 py-3 text-sm text-brand-800">
          We have your request. You will see its progress here.
        </p>
      )}
      {rows.length === 0 ? (
        <p className="card text-slate-600">You have not asked for any refunds.</p>
      ) : (
        <ul className="space-y-2">
          {rows.map((r) => (
            <li key={r.refund.id} className="card space-y-1" data-testid="refund-row">
              <div className="flex items-start justify-between gap-3">
                <p className="font-semibold tabular-nums">{formatKes(r.refund.amountMinor)}</p>
                <RefundBadge status={r.refund.status} />
              </div>
              <p className="text-sm text-slate-600">
                {r.product} · {r.policyNumber} · payment {r.paymentReference} ({formatKes(r.paymentAmountMinor)})
              </p>
              <p className="text-sm text-slate-700">{REFUND_LABELS[r.refund.status].explain}</p>
              {r.refund.status === 'rejected' && r.refund.decisionNote && <p className="text-sm text-slate-600">Reason: {r.refund.decisionNote}</p>}
              <p className="text-xs text-slate-600">
                Asked {formatDateTime(r.refund.createdAt)}
                {r.refund.completedAt && r.refund.status === 'processed' ? ` · refunded ${formatDateTime(r.refund.completedAt)}` : ''}
              </p>
              {r.refund.status === 'processed' && r.refund.noteNo && (
                <p className="text-sm">
                  Refund note <span className="font-mono">{r.refund.noteNo}</span> ·{' '}
                  <a href={`/api/v1/refunds/${r.refund.id}/note`} className="font-semibold text-brand-700 underline" data-testid="download-refund-note" download>
                    Download (PDF)
                  </a>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
