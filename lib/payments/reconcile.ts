// The safety net for M-Pesa: Daraja delivers each callback once, or never (daraja.md §6.5, §12.1).
// A queued job per pending payment asks STK Query until the payment is final, then expires it.
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { gatewayEvents, payments, type Job } from '@/db/schema';
import type { StkQueryResult } from '@/lib/gateways/daraja/client';
import { describeResultCode } from '@/lib/gateways/daraja/result-codes';
import { reconcileSettings } from '@/lib/env';
import { closeUnpaid, completePayment, holdForReview } from './outcomes';

export type StkQuerier = { stkQuery(checkoutRequestId: string): Promise<StkQueryResult> };
export type JobOutcome = { done: true; note: string } | { done: false; retryAt: Date; note: string };

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
      closeUnpaid(tx, {
        paymentId,
        to: 'expired',
        code: 'timeout',
        reason: 'We did not hear back from M-Pesa in time. If money left your account, it will be matched automatically.',
      }),
    );
    return { done: true, note: `expired (${why})` };
  };
  if (!payment.checkoutRequestId) return expireIfOld('no CheckoutRequestID');

  const answer = await daraja.stkQuery(payment.checkoutRequestId);
  await db.insert(gatewayEvents).values({
    source: 'daraja',
    kind: 'stk_query',
    dedupeKey: `stk_query:${paymentId}:${now.getTime()}:${Math.random().toString(36).slice(2)}`,
    paymentId,
    raw: JSON.stringify(answer),
    payload: answer,
    processedAt: new Date(),
    outcome: answer.state,
  });
  if (answer.state !== 'final') return expireIfOld(answer.state);

  const code = describeResultCode(answer.resultCode);
  if (code.outcome === 'pending') return expireIfOld(`still processing (${answer.resultCode})`);
  const note = await db.transaction(async (tx) => {
    if (code.outcome === 'completed') {
      // A query proves payment but carries no receipt (daraja.md §5): book it and tell staff.
      const r = await completePayment(tx, {
        paymentId,
        reason: 'STK Query: paid',
        flagReason: 'Confirmed by STK Query; M-Pesa receipt number not yet known.',
      });
      return r.ok ? 'completed by query' : 'already final';
    }
    if (code.outcome === 'failed' || code.outcome === 'cancelled' || code.outcome === 'expired') {
      const r = await closeUnpaid(tx, { paymentId, to: code.outcome, code: answer.resultCode, reason: code.message });
      return r.ok ? `${code.outcome} by query` : 'already final';
    }
    const r = await holdForReview(tx, { paymentId, reason: `Unknown STK Query result ${answer.resultCode}: ${answer.resultDesc}` });
    return r.ok ? 'held for review' : 'already final';
  });
  return { done: true, note };
}

export function reconcilePaymentIdOf(job: Job): string {
  return String((job.payload as { paymentId?: string }).paymentId ?? '');
}
