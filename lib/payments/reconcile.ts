// The safety net for M-Pesa: Daraja delivers each callback once, or never (daraja.md §6.5, §12.1).
// A queued job per pending payment asks STK Query until the payment is final, then expires it;
// an expired payment is asked about again later (recheck-closed.ts).
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { gatewayEvents, payments, type Job } from '@/db/schema';
import type { StkQueryResult } from '@/lib/gateways/daraja/client';
import { describeResultCode } from '@/lib/gateways/daraja/result-codes';
import { reconcileSettings } from '@/lib/env';
import { closeUnpaid, completePayment, holdForReview } from './outcomes';
import { RECHECK_WINDOW_WORDS } from './recheck-schedule';
import { isClosedUnpaid } from './status';

export type StkQuerier = { stkQuery(checkoutRequestId: string): Promise<StkQueryResult> };
export type JobOutcome = { done: true; note: string } | { done: false; retryAt: Date; note: string };

/** What the holder reads on an M-Pesa payment we stopped waiting for. True: we do keep asking. */
export const MPESA_EXPIRED_MESSAGE =
  `We did not hear back from M-Pesa in time. We will keep checking with M-Pesa for the next ${RECHECK_WINDOW_WORDS}: ` +
  'if money left your account, it will be credited to your policy and we will send you a receipt. ' +
  'If no money left your account, you can try again.';

export async function reconcileMpesaPayment(
  db: Db,
  daraja: StkQuerier,
  paymentId: string,
  now = new Date(),
): Promise<JobOutcome> {
  const settings = reconcileSettings();
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!payment || payment.status !== 'pending') return { done: true, note: `already ${payment?.status ?? 'gone'}` };
  const ageSeconds = (now.getTime() - payment.createdAt.getTime()) / 1000;
  const expireIfOld = async (why: string): Promise<JobOutcome> => {
    if (ageSeconds < settings.expireAfter) {
      return { done: false, retryAt: new Date(now.getTime() + settings.recheckEvery * 1000), note: why };
    }
    await db.transaction((tx) =>
      closeUnpaid(tx, { paymentId, to: 'expired', code: 'timeout', reason: MPESA_EXPIRED_MESSAGE, recheck: true }),
    );
    return { done: true, note: `expired (${why})` };
  };
  if (!payment.checkoutRequestId) return expireIfOld('no CheckoutRequestID');

  const answer = await queryAndRecord(db, daraja, paymentId, payment.checkoutRequestId, now);
  if (answer.state !== 'final') return expireIfOld(answer.state);
  const applied = await applyStkQueryAnswer(db, paymentId, answer);
  if (applied === 'still_processing') return expireIfOld(`still processing (${answer.resultCode})`);
  return { done: true, note: applied };
}

/** Asks STK Query and stores the answer raw (every gateway message is kept before it is used). */
export async function queryAndRecord(db: Db, daraja: StkQuerier, paymentId: string, checkoutRequestId: string, now = new Date()) {
  const answer = await daraja.stkQuery(checkoutRequestId);
  await db.insert(gatewayEvents).values({
    source: 'daraja',
    kind: 'stk_query',
    dedupeKey: `stk_query:${paymentId}:${now.getTime()}:${Math.random().toString(36).slice(2)}`,
    paymentId,
    raw: JSON.stringify(answer),
    payload: answer,
    processedAt: new Date(),
    outcome: answer.state === 'no_answer' && answer.notFound ? 'not_found' : answer.state,
  });
  return answer;
}

/**
 * Applies a final STK Query answer to a payment that is pending or that we closed: "paid" is
 * credited whatever we had decided (the money was taken); a failure only closes a pending one.
 */
export async function applyStkQueryAnswer(
  db: Db,
  paymentId: string,
  answer: { resultCode: string; resultDesc: string },
): Promise<string> {
  const code = describeResultCode(answer.resultCode);
  if (code.outcome === 'pending') return 'still_processing';
  return db.transaction(async (tx) => {
    if (code.outcome === 'completed') {
      // A query proves payment but carries no receipt (daraja.md §5): book it and tell staff.
      const r = await completePayment(tx, {
        paymentId,
        reason: 'STK Query: paid',
        flagReason: 'Confirmed by STK Query; M-Pesa receipt number not yet known.',
      });
      return r.ok ? (isClosedUnpaid(r.from) ? `completed by query after it was ${r.from}` : 'completed by query') : 'already final';
    }
    if (code.outcome === 'failed' || code.outcome === 'cancelled' || code.outcome === 'expired') {
      const r = await closeUnpaid(tx, { paymentId, to: code.outcome, code: answer.resultCode, reason: code.message });
      return r.ok ? `${code.outcome} by query` : 'already final';
    }
    const r = await holdForReview(tx, { paymentId, reason: `Unknown STK Query result ${answer.resultCode}: ${answer.resultDesc}` });
    return r.ok ? 'held for review' : 'already final';
  });
}

export function reconcilePaymentIdOf(job: Job): string {
  return String((job.payload as { paymentId?: string }).paymentId ?? '');
}
