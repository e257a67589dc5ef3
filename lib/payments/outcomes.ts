// The only ways a payment leaves 'pending'. Callbacks, STK queries, card verifications and staff
// all call these, inside one database transaction each.
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { payments } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import { NOTIFY_PAYMENT_JOB } from '@/lib/notifications/jobs';
import { postPaymentToLedger } from './post-payment';
import { transitionPayment, type PaymentPatch, type TransitionResult } from './transition';

export async function completePayment(
  tx: Tx,
  args: { paymentId: string; reason: string; receipt?: string | null; flagReason?: string; patch?: PaymentPatch },
): Promise<TransitionResult> {
  const result = await transitionPayment(tx, {
    paymentId: args.paymentId,
    to: 'completed',
    reason: args.reason,
    patch: { ...args.patch, ...(args.receipt ? { mpesaReceipt: args.receipt } : {}) },
  });
  if (!result.ok) return result;
  const flagReason =
    args.flagReason ?? (result.from === 'expired' ? 'Success arrived after the payment had expired.' : undefined);
  if (flagReason) {
    // A late or unconfirmed success is still the customer's money: book it, and tell staff.
    await flag(tx, result.payment.id, flagReason);
    result.payment.flagged = true;
    result.payment.flagReason = flagReason;
  }
  // Pipelined on the transaction's connection: neither needs the other's answer.
  await Promise.all([postPaymentToLedger(tx, result.payment), queueNotification(tx, result.payment.id, 'completed')]);
  return result;
}

/** The holder hears about the outcome; queued in the same transaction, so exactly once. */
async function queueNotification(tx: Tx, paymentId: string, status: string) {
  await enqueueJob(tx, { kind: NOTIFY_PAYMENT_JOB, key: `${NOTIFY_PAYMENT_JOB}:${paymentId}:${status}`, payload: { paymentId, status } });
}

export async function closeUnpaid(
  tx: Tx,
  args: { paymentId: string; to: 'failed' | 'cancelled' | 'expired'; code: string; reason: string },
): Promise<TransitionResult> {
  const result = await transitionPayment(tx, {
    paymentId: args.paymentId,
    to: args.to,
    reason: `${args.code}: ${args.reason}`,
    patch: { failureCode: args.code, failureReason: args.reason },
  });
  if (result.ok) await queueNotification(tx, args.paymentId, args.to);
  return result;
}

/** Money may have moved but something does not add up: credit nothing, let staff decide. */
export async function holdForReview(tx: Tx, args: { paymentId: string; reason: string }) {
  return transitionPayment(tx, {
    paymentId: args.paymentId,
    to: 'review',
    reason: args.reason,
    patch: { flagged: true, flagReason: args.reason },
  });
}

async function flag(tx: Tx, paymentId: string, reason: string) {
  await tx.update(payments).set({ flagged: true, flagReason: reason }).where(eq(payments.id, paymentId));
}
