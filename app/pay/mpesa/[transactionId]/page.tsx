import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { MpesaStatus } from '@/components/payments/mpesa-status';
import { requireViewer } from '@/lib/auth/session';
import { formatKes } from '@/lib/money';
import { maskMsisdn } from '@/lib/phone';
import { publicStatus } from '@/lib/payments/public-status';
import { getPayment } from '@/lib/payments/queries';

export const metadata: Metadata = { title: 'M-Pesa payment' };

export default async function MpesaStatusPage({ params }: { params: Promise<{ transactionId: string }> }) {
  const { transactionId } = await params;
  const viewer = await requireViewer(`/pay/mpesa/${transactionId}`, { allowPayer: true });
  const row = await getPayment(await getDb(), viewer, transactionId);
  if (!row || row.payment.method !== 'mpesa') notFound();
  if (row.payment.status === 'completed') redirect(`/pay/success/${row.payment.id}`);
  const p = row.payment;
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold">M-Pesa payment</h1>
      <div className="card text-sm">
        <dl className="space-y-1">
          <div className="flex justify-between"><dt className="text-slate-500">Amount</dt><dd className="font-semibold">{formatKes(p.amountMinor)}</dd></div>
          <div className="flex justify-between"><dt className="text-slate-500">Policy</dt><dd>{row.policyNumber}</dd></div>
          <div className="flex justify-between"><dt className="text-slate-500">Phone</dt><dd>{p.phone ? maskMsisdn(p.phone) : '—'}</dd></div>
          <div className="flex justify-between"><dt className="text-slate-500">Reference</dt><dd>{p.reference}</dd></div>
        </dl>
      </div>
      <MpesaStatus initial={publicStatus(p)} policyId={p.policyId} />
    </div>
  );
}
