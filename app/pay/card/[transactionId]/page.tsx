import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { CardStatus } from '@/components/payments/card-status';
import { requireHolder } from '@/lib/auth/session';
import { formatKes } from '@/lib/money';
import { publicStatus } from '@/lib/payments/public-status';
import { isClosedUnpaid } from '@/lib/payments/core/status';
import type { PaymentStatus } from '@/db/schema';
import { getPayment } from '@/lib/payments/queries';

export const metadata: Metadata = { title: 'Card payment' };

/**
 * Back from the checkout with a reference, even on an attempt we had closed (they left, or the
 * first card was declined, then went back and paid): ask Paystack, so a late success is credited.
 */
function phaseOf(status: PaymentStatus, returned: boolean, withReference: boolean) {
  if (status === 'pending') return returned ? 'verifying' : 'redirecting';
  return withReference && isClosedUnpaid(status) ? 'verifying' : 'final';
}

export default async function CardPaymentPage({
  params,
  searchParams,
}: {
  params: Promise<{ transactionId: string }>;
  searchParams: Promise<{ reference?: string; trxref?: string; cancelled?: string }>;
}) {
  const { transactionId } = await params;
  const query = await searchParams;
  const viewer = await requireHolder(`/pay/card/${transactionId}`, '/staff', { allowPayer: true });
  const row = await getPayment(await getDb(), viewer, transactionId);
  if (!row || row.payment.method !== 'card') notFound();
  const p = row.payment;
  if (p.status === 'completed') redirect(`/pay/success/${p.id}`);
  // Back from Paystack (or its cancel link): verify. Otherwise: on our way to the checkout.
  const returned = !!(query.reference || query.trxref || query.cancelled);
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold">Card payment</h1>
      <div className="card text-sm">
        <dl className="space-y-1">
          <div className="flex justify-between"><dt className="text-slate-600">Amount</dt><dd className="font-semibold">{formatKes(p.amountMinor)}</dd></div>
          <div className="flex justify-between"><dt className="text-slate-600">Policy</dt><dd>{row.policyNumber}</dd></div>
          <div className="flex justify-between"><dt className="text-slate-600">Reference</dt><dd>{p.reference}</dd></div>
        </dl>
      </div>
      <CardStatus
        initial={publicStatus(p)}
        policyId={p.policyId}
        checkoutUrl={p.checkoutUrl}
        phase={phaseOf(p.status, returned, !!(query.reference || query.trxref))}
        cancelled={query.cancelled === '1'}
      />
    </div>
  );
}
