// The state machine's three moves: complete (and book), close unpaid, hold for review. Gateway
// messages reach them only through applyVerdict (verdict.ts); staff decisions call them directly.
// Each runs inside the caller's transaction, under the payment's row lock.
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { payments } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import { emitPaymentEvent } from '@/lib/integration/events';
import { PAYMENT_OUTCOME_JOB } from './events';
import { postPaymentToLedger } from './post-payment';
import { scheduleRecheck } from './schedule';
import { isClosedUnpaid, type ClosedUnpaid } from './status';
import { lockPayment, transitionPayment, type PaymentPatch, type TransitionResult } from './transition';

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
  // A success after we closed the payment is still the holder's money: book it, and tell staff.
  const late = isClosedUnpaid(result.from) ? lateSuccessReason(result.from) : undefined;
  const flagReason = [late, args.flagReason].filter(Boolean).join(' ') || undefined;
  if (flagReason) {
    await flag(tx, result.payment.id, flagReason);
    result.payment.flagged = true;
    result.payment.flagReason = flagReason;
  }
  // Pipelined on the transaction's connection: neither needs the other's answer.
  await Promise.all([postPaymentToLedger(tx, result.payment), queueNotification(tx, result.payment.id, 'completed')]);
  await emitPaymentEvent(tx, 'payment.completed', result.payment);
  return result;
}

/** The holder hears about the outcome; queued in the same transaction, so exactly once. */
async function queueNotification(tx: Tx, paymentId: string, status: string) {
  await enqueueJob(tx, { kind: PAYMENT_OUTCOME_JOB, key: `${PAYMENT_OUTCOME_JOB}:${paymentId}:${status}`, payload: { paymentId, status } });
}

/** The flag staff see on a payment that completed after it had been closed. */
export function lateSuccessReason(closedAs: ClosedUnpaid): string {
  const words = { failed: 'had failed', cancelled: 'had been cancelled', expired: 'had expired' }[closedAs];
  return `Success after it was closed: the gateway confirmed the money after the payment ${words}.`;
}

export async function closeUnpaid(
  tx: Tx,
  args: {
    paymentId: string;
    to: 'failed' | 'cancelled' | 'expired';
    code: string;
    reason: string;
    /**
     * Ask the gateway again later (lib/payments/recheck-closed.ts): when we closed it without the
     * gateway's final word (our timeout, the holder leaving a card checkout), or when the gateway
     * can still take money for it (a declined card's checkout stays open for another card).
     */
    recheck?: boolean;
    /** Only staff may close a payment held for review: a gateway message must not erase the review item. */
    staffDecision?: boolean;
  },
): Promise<TransitionResult> {
  const current = await lockPayment(tx, args.paymentId);
  if (current?.status === 'review' && !args.staffDecision) return { ok: false, reason: 'illegal', current };
  const result = await transitionPayment(tx, {
    paymentId: args.paymentId,
    to: args.to,
    reason: `${args.code}: ${args.reason}`,
    patch: { failureCode: args.code, failureReason: args.reason },
  });
  if (!result.ok) return result;
  await Promise.all([
    queueNotification(tx, args.paymentId, args.to),
    args.recheck ? scheduleRecheck(tx, result.payment, new Date()) : null,
  ]);
  await emitPaymentEvent(tx, 'payment.failed', result.payment);
  return result;
}

/** Money may have moved but something does not add up: credit nothing, let staff decide. */
export async function holdForReview(tx: Tx, args: { paymentId: string; reason: string }) {
  const result = await transitionPayment(tx, {
    paymentId: args.paymentId,
    to: 'review',
    reason: args.reason,
    patch: { flagged: true, flagReason: args.reason },
  });
  if (result.ok) await emitPaymentEvent(tx, 'payment.review', result.payment);
  return result;
}

async function flag(tx: Tx, paymentId: string, reason: string) {
  await tx.update(payments).set({ flagged: true, flagReason: reason }).where(eq(payments.id, paymentId));
}
