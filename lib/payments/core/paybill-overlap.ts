// The same money must never count twice. STK Query answers "paid" with no M-Pesa receipt, so when
// it completes a prompt we had already closed (our timeout, an unanswered push), nothing ties it to
// a Paybill payment of the same money that was credited in the meantime (an STK payment can also
// arrive as a C2B confirmation: docs/daraja.md §10.3). Such a late "paid" is held for review
// instead of credited when a Paybill payment of the same amount, on the same policy, was made
// within the overlap window of the prompt; staff decide whether the holder really paid twice.
import { and, between, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { paybillReceipts } from '@/db/paybill-schema';
import { payments, type Payment } from '@/db/schema';
import { paybillSettings } from '@/lib/env';

/** A sentence for the review queue when `payment`'s late receipt-less "paid" may be Paybill money we hold. */
export async function paybillOverlapOf(tx: Tx, payment: Payment): Promise<string | null> {
  if (payment.method !== 'mpesa' || payment.channel !== 'app') return null;
  const windowMs = paybillSettings().stkOverlapMinutes * 60_000;
  const rows = await tx
    .select({ transId: paybillReceipts.transId, reference: payments.reference })
    .from(paybillReceipts)
    .innerJoin(payments, eq(payments.id, paybillReceipts.paymentId))
    .where(
      and(
        eq(payments.policyId, payment.policyId),
        eq(payments.channel, 'paybill'),
        eq(payments.status, 'completed'),
        eq(paybillReceipts.amountMinor, payment.amountMinor),
        inArray(paybillReceipts.status, ['credited', 'allocated']),
        between(paybillReceipts.transTime, new Date(payment.createdAt.getTime() - windowMs), new Date(payment.createdAt.getTime() + windowMs)),
      ),
    );
  if (!rows.length) return null;
  const which = rows.map((r) => `${r.reference} (${r.transId})`).join(', ');
  return `M-Pesa says this closed prompt was paid, but Paybill payment ${which} of the same amount on this policy was already credited: it may be the same money. Nothing was credited; staff decide.`;
}
