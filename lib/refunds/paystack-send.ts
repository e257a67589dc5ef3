// Hands an approved card refund to Paystack. Called after the approval has committed (no lock is
// held across the network call); Paystack's answer is stored raw, then applied with conditional
// updates, because its refund.* webhooks may already have moved the refund on meanwhile.
import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { gatewayEvents, refunds, type Payment, type Refund } from '@/db/schema';
import type { PaystackClient } from '@/lib/gateways/paystack/client';
import { formatKes } from '@/lib/money';
import { moveRefund } from './status';

export type RefundSender = Pick<PaystackClient, 'createRefund'>;

/** Marks a refund as being handed to Paystack, so a second "send again" cannot race the first. */
export const SENDING = 'Sending to Paystack…';
const SENDING_STALE_MS = 2 * 60_000;

/** Under the payment's row lock: false when another send started less than two minutes ago. */
export async function claimForSending(tx: Tx, refund: Refund): Promise<boolean> {
  if (refund.failureReason === SENDING && Date.now() - refund.updatedAt.getTime() < SENDING_STALE_MS) return false;
  await tx.update(refunds).set({ failureReason: SENDING, updatedAt: new Date() }).where(eq(refunds.id, refund.id));
  return true;
}
export type SendOutcome = { sent: boolean; message: string };

export async function sendRefundToPaystack(db: Db, paystack: RefundSender, refund: Refund, payment: Payment): Promise<SendOutcome> {
  if (!payment.paystackReference) return { sent: false, message: 'This card payment has no Paystack reference; refund it from the Paystack dashboard.' };
  const answer = await paystack.createRefund({
    reference: payment.paystackReference,
    amountMinor: refund.amountMinor,
    merchantNote: `Malipo refund ${refund.id}`,
    customerNote: `Refund of ${formatKes(refund.amountMinor)} on your premium payment ${payment.reference}`,
  });
  await db.insert(gatewayEvents).values({
    source: 'paystack',
    kind: 'refund_create_response',
    dedupeKey: `refund_create:${refund.id}:${crypto.randomUUID()}`,
    paymentId: payment.id,
    raw: JSON.stringify(answer),
    payload: answer,
    processedAt: new Date(),
    outcome: answer.ok ? `refund_${answer.refund.status}` : answer.code,
  });
  if (answer.ok) {
    await db
      .update(refunds)
      .set({ gatewayReference: String(answer.refund.id), failureReason: null, updatedAt: new Date() })
      .where(and(eq(refunds.id, refund.id), isNull(refunds.gatewayReference)));
    await moveRefund(db, refund.id, 'processing');
    return { sent: true, message: 'Sent to Paystack. The refund will show as Refunded when Paystack confirms it.' };
  }
  if (answer.uncertain) {
    // Paystack may have queued it anyway: its webhooks will still find this refund (it stays
    // 'approved'). Retrying blindly could refund twice, so staff are told to check first.
    await db.update(refunds).set({ failureReason: `Paystack did not answer (${answer.message}). Check the Paystack dashboard before sending again.`, updatedAt: new Date() }).where(eq(refunds.id, refund.id));
    return { sent: false, message: 'Paystack did not answer. Check the Paystack dashboard before sending it again.' };
  }
  await moveRefund(db, refund.id, 'failed', { failureReason: `Paystack refused the refund: ${answer.message}` });
  return { sent: false, message: `Paystack refused the refund: ${answer.message}` };
}
