// Asking the gateway again about a payment we closed without its final word: an M-Pesa prompt we
// stopped waiting for (our timeout, or a push whose answer never came), a card checkout the holder
// left or whose first card was declined (the checkout stays open for another card). A "paid"
// answer is credited through the one state machine (closed -> completed, flagged for staff); the
// job stops at the first final answer, or after the last step.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { payments } from '@/db/schema';
import type { StkQueryResult } from '@/lib/gateways/daraja/client';
import type { PaystackClient } from '@/lib/gateways/paystack/client';
import type { JobResult } from '@/lib/jobs/worker';
import { applyPaystackTransaction } from './paystack-apply';
import { applyStkQueryAnswer, queryAndRecord } from './reconcile';
import { RECHECK_AFTER_MS, RECHECK_WINDOW_WORDS } from './recheck-schedule';
import { isClosedUnpaid } from './status';

/** Daraja forgets a CheckoutRequestID after a while, but also says "does not exist" now and then for IDs it knows. */
const NOT_FOUND_TIMES_TO_STOP = 2;

const payloadSchema = z.object({
  paymentId: z.string().uuid(),
  closedAt: z.coerce.date(),
  notFound: z.number().int().min(0).default(0),
});

export type RecheckDeps = {
  daraja: { stkQuery(checkoutRequestId: string): Promise<StkQueryResult> };
  paystack: Pick<PaystackClient, 'verifyTransaction'>;
};

export async function recheckClosedPayment(db: Db, deps: RecheckDeps, rawPayload: unknown, now = new Date()): Promise<JobResult> {
  const parsed = payloadSchema.safeParse(rawPayload);
  if (!parsed.success) return { done: true, note: 'ignored: bad payload' };
  const { paymentId, closedAt, notFound } = parsed.data;
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!payment || !isClosedUnpaid(payment.status)) return { done: true, note: `already ${payment?.status ?? 'gone'}` };

  const next = (note: string, payloadPatch: Partial<z.infer<typeof payloadSchema>> = {}): JobResult => {
    const at = RECHECK_AFTER_MS.map((ms) => closedAt.getTime() + ms).find((t) => t > now.getTime());
    if (at === undefined) return { done: true, note: `gave up after ${RECHECK_WINDOW_WORDS}: ${note}` };
    return { done: false, retryAt: new Date(at), note, payload: { paymentId, closedAt: closedAt.toISOString(), notFound, ...payloadPatch } };
  };

  if (payment.method === 'card') {
    if (!payment.paystackReference) return { done: true, note: 'no Paystack reference' };
    const verified = await deps.paystack.verifyTransaction(payment.paystackReference);
    if (!verified.ok) return next(verified.code);
    const outcome = await applyPaystackTransaction(db, verified.tx, 'recheck');
    return outcome === 'completed_late' || outcome === 'held_for_review' ? { done: true, note: outcome } : next(`${verified.tx.status}: ${outcome}`);
  }

  if (!payment.checkoutRequestId) return { done: true, note: 'no CheckoutRequestID to ask about' };
  const answer = await queryAndRecord(db, deps.daraja, paymentId, payment.checkoutRequestId, now);
  if (answer.state === 'no_answer' && answer.notFound) {
    if (notFound + 1 >= NOT_FOUND_TIMES_TO_STOP) return { done: true, note: 'M-Pesa no longer knows this prompt' };
    return next('not found (once)', { notFound: notFound + 1 });
  }
  if (answer.state !== 'final') return next(answer.state, { notFound: 0 });
  const applied = await applyStkQueryAnswer(db, paymentId, answer);
  // A final "not paid" answer is the gateway's word: nothing more to ask.
  return applied === 'still_processing' ? next(applied, { notFound: 0 }) : { done: true, note: applied };
}
