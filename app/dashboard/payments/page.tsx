import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { StatusBadge } from '@/components/payments/status-badge';
import { requireViewer } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { cardLabel } from '@/lib/payments/card-label';
import { listPayments } from '@/lib/payments/queries';

export const metadata: Metadata = { title: 'Your payments' };

export default async function PaymentsPage() {
  const viewer = await requireViewer('/dashboard/payments');
  const rows = await listPayments(await getDb(), viewer);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Payments</h1>
      {rows.length === 0 ? (
        <div className="card text-slate-600">
          No payments yet. <Link href="/dashboard" className="font-semibold text-brand-700 underline">Choose a policy to pay</Link>.
        </div>
      ) : (
        <ul className="space-y-2">
          {rows.map(({ payment: p, policyNumber, product }) => (
            <li key={p.id} className="card flex items-center justify-between gap-3" data-testid="payment-row">
              <div className="min-w-0">
                <p className="font-semibold">{formatKes(p.amountMinor)}</p>
                <p className="truncate text-sm text-slate-500">
                  {product} · {policyNumber}
                </p>
                <p className="text-xs text-slate-500">
                  {p.method === 'mpesa' ? 'M-Pesa' : p.cardLast4 ? cardLabel(p.cardBrand, p.cardLast4) : 'Card'} · {p.reference}
                  {p.mpesaReceipt ? ` · ${p.mpesaReceipt}` : ''} · {formatDateTime(p.createdAt)}
                </p>
              </div>
              <div className="flex flex-col items-end gap-2">
                <StatusBadge status={p.status} />
                {p.status === 'completed' ? (
                  <Link href={`/pay/success/${p.id}`} className="text-sm font-semibold text-brand-700">Details</Link>
                ) : p.status === 'pending' ? (
                  <Link href={`/pay/${p.method === 'mpesa' ? 'mpesa' : 'card'}/${p.id}`} className="text-sm font-semibold text-brand-700">Track</Link>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
