import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { DetailRow } from '@/components/detail-row';
import { MpesaStatus } from '@/components/payments/mpesa-status';
import { requireHolder } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { maskPhoneLocal } from '@/lib/phone';
import { publicStatus } from '@/lib/payments/public-status';
import { getPayment } from '@/lib/payments/queries';
import { waitingClock } from '@/lib/payments/waiting';

export const metadata: Metadata = { title: 'M-Pesa payment' };

// ?until= comes from "Keep checking" (epoch ms; waitingClock bounds it), ?resend= from a refused
// "Send it again". Anything else is ignored.
const query = z.object({
  until: z.coerce.number().int().positive().optional().catch(undefined),
  resend: z.enum(['rate_limited', 'in_progress', 'invalid', 'not_found', 'gateway']).optional().catch(undefined),
});

export default async function MpesaStatusPage({
  params,
  searchParams,
}: {
  params: Promise<{ transactionId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { transactionId } = await params;
  const q = query.parse(await searchParams);
  const viewer = await requireHolder(`/pay/mpesa/${transactionId}`, '/staff', { allowPayer: true });
  const row = await getPayment(await getDb(), viewer, transactionId);
  if (!row || row.payment.method !== 'mpesa') notFound();
  if (row.payment.status === 'completed') redirect(`/pay/success/${row.payment.id}`);
  const p = row.payment;
  const now = Date.now();
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold">M-Pesa payment</h1>
      <div className="card text-sm">
        <dl className="space-y-1">
          <DetailRow label="Amount"><span className="font-semibold">{formatKes(p.amountMinor)}</span></DetailRow>
          <DetailRow label="Policy">{row.policyNumber}</DetailRow>
          <DetailRow label="Phone">{p.phone ? maskPhoneLocal(p.phone) : '—'}</DetailRow>
          <DetailRow label="Started">{formatDateTime(p.createdAt)}</DetailRow>
          <DetailRow label="Reference">{p.reference}</DetailRow>
        </dl>
      </div>
      <MpesaStatus
        initial={publicStatus(p)}
        policyId={p.policyId}
        policyNumber={row.policyNumber}
        clock={waitingClock(p, now, q.until)}
        now={now}
        resendRefused={q.resend}
      />
    </div>
  );
}
