import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { RefundRequestForm } from '@/components/refunds/refund-request-form';
import { requireHolder } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { formatKes, minorToDecimal } from '@/lib/money';
import { cardLabel } from '@/lib/payments/card/card-label';
import { refundablePayments } from '@/lib/refunds/queries';

export const metadata: Metadata = { title: 'Request a refund' };
export const dynamic = 'force-dynamic';

export default async function NewRefundPage({ searchParams }: { searchParams: Promise<{ payment?: string | string[] }> }) {
  const raw = (await searchParams).payment;
  const paymentId = typeof raw === 'string' ? raw : undefined;
  const viewer = await requireHolder(`/dashboard/refunds/new${paymentId ? `?payment=${encodeURIComponent(paymentId)}` : ''}`);
  const db = await getDb();
  const options = await refundablePayments(db, viewer, paymentId);
  const chosen = paymentId ? options[0] : undefined;

  if (paymentId && !chosen) {
    return (
      <div className="mx-auto max-w-md space-y-4">
        <h1 className="text-2xl font-bold">Request a refund</h1>
        <p className="card text-slate-600">
          This payment cannot be refunded: it is not one of your completed payments, or it has already been refunded in full (or a refund for it is under way).
        </p>
        <Link href="/dashboard/refunds" className="btn-secondary w-full">Back to your refunds</Link>
      </div>
    );
  }

  if (!chosen) {
    return (
      <div className="mx-auto max-w-md space-y-4">
        <h1 className="text-2xl font-bold">Request a refund</h1>
        <p className="text-slate-600">Which payment should we refund?</p>
        {options.length === 0 ? (
          <p className="card text-slate-600">You have no completed payments that can be refunded.</p>
        ) : (
          <ul className="space-y-2">
            {options.map(({ payment: p, product, policyNumber, refundableMinor }) => (
              <li key={p.id}>
                <Link href={`/dashboard/refunds/new?payment=${p.id}`} className="card flex items-center justify-between gap-3 hover:border-brand-600" data-testid="refundable-payment">
                  <span className="min-w-0">
                    <span className="block font-semibold">{formatKes(p.amountMinor)}</span>
                    <span className="block truncate text-sm text-slate-600">{product} · {policyNumber}</span>
                    <span className="block text-xs text-slate-600">{p.reference} · {formatDateTime(p.completedAt ?? p.createdAt)}</span>
                  </span>
                  <span className="text-right text-xs text-slate-600">up to<br /><span className="font-semibold text-slate-800">{formatKes(refundableMinor)}</span></span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  const p = chosen.payment;
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold">Request a refund</h1>
      <div className="card text-sm">
        <p className="font-semibold">{formatKes(p.amountMinor)} · {chosen.product}</p>
        <p className="text-slate-600">
          {p.method === 'mpesa' ? `M-Pesa${p.mpesaReceipt ? ` ${p.mpesaReceipt}` : ''}` : cardLabel(p.cardBrand, p.cardLast4)} · {p.reference} ·{' '}
          {formatDateTime(p.completedAt ?? p.createdAt)}
        </p>
      </div>
      <div className="card">
        <RefundRequestForm
          paymentId={p.id}
          maxAmount={minorToDecimal(chosen.refundableMinor).replace(/\.00$/, '')}
          maxLabel={formatKes(chosen.refundableMinor)}
          wholeShillings={p.method === 'mpesa'}
        />
      </div>
    </div>
  );
}
