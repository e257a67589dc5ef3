// The safety nets for answers that never came (docs/daraja.md §6.5: Daraja sends each
// callback once, or never; docs/paystack.md §10: no webhook for an abandoned checkout).
//  - The sweep: one job per pending payment asks the gateway until it is final, then expires it.
//  - The re-check: a payment we closed without the gateway's final word (our timeout, an
//    unanswered push, a card checkout left or declined) is asked about 15 min, 1 h, 6 h and 24 h
//    later; a "paid" answer is credited (closed -> completed, flagged for staff).
// Both ask through the method's GatewayCheck (an adapter: wire answer -> verdict) and apply the
// verdict here, after storing the raw answer.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { payments, type Payment } from '@/db/schema';
import type { JobResult } from '@/lib/jobs/worker';
import { uuidField } from '@/lib/uuid';
import { recordGatewayEvent, type GatewaySource } from './gateway-events';
import { isClosedUnpaid } from './status';
import { CARD_EXPIRED_MESSAGE, MPESA_EXPIRED_MESSAGE, RECHECK_AFTER_MS, RECHECK_WINDOW_WORDS, sweepSettings } from './schedule';
import { applyVerdict, type ApplyOutcome, type Verdict } from './verdict';

/** One question to the gateway about one payment: its raw answer (stored) and what it means. */
export type GatewayAnswer = { source: GatewaySource; kind: string; answer: unknown; verdict: Verdict };
export type GatewayCheck = (payment: Payment) => Promise<GatewayAnswer>;
export type GatewayChecks = Record<Payment['method'], GatewayCheck>;

/** Daraja forgets a CheckoutRequestID after a while, but also says "does not exist" now and then for IDs it knows. */
const NOT_FOUND_TIMES_TO_STOP = 2;

/** Asks, stores the answer raw, applies its verdict. */
export async function askAndApply(db: Db, check: GatewayCheck, payment: Payment, now: Date): Promise<{ verdict: Verdict; outcome: ApplyOutcome }> {
  const a = await check(payment);
  await recordGatewayEvent(db, {
    source: a.source,
    kind: a.kind,
    dedupeKey: `${a.kind}:${payment.id}:${now.getTime()}:${Math.random().toString(36).slice(2)}`,
    paymentId: payment.id,
    answer: a.answer,
    outcome: a.verdict.kind === 'unknown' ? (a.verdict.notFound ? 'not_found' : 'unknown') : a.verdict.kind,
  });
  if (a.verdict.kind === 'unknown') return { verdict: a.verdict, outcome: 'not_final' };
  const verdict = a.verdict;
  return { verdict, outcome: await db.transaction((tx) => applyVerdict(tx, payment.id, verdict)) };
}

/** The sweep's job for one pending payment. */
export async function sweepPayment(db: Db, checks: GatewayChecks, paymentId: string, now = new Date()): Promise<JobResult & { note: string }> {
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!payment || payment.status !== 'pending') return { done: true, note: `already ${payment?.status ?? 'gone'}` };
  const settings = sweepSettings(payment.method);
  const waitOrExpire = async (why: string): Promise<JobResult & { note: string }> => {
    if (now.getTime() - payment.createdAt.getTime() < settings.expireAfterMs) {
      return { done: false, retryAt: new Date(now.getTime() + settings.everyMs), note: why };
    }
    await db.transaction((tx) =>
      applyVerdict(tx, paymentId, {
        kind: 'not_paid',
        status: 'expired',
        code: payment.method === 'mpesa' ? 'timeout' : 'abandoned',
        message: payment.method === 'mpesa' ? MPESA_EXPIRED_MESSAGE : CARD_EXPIRED_MESSAGE,
        via: 'Sweep',
        recheck: true,
      }),
    );
    return { done: true, note: `expired (${why})` };
  };
  if (payment.method === 'mpesa' && !payment.checkoutRequestId) return waitOrExpire('no CheckoutRequestID');
  const { verdict, outcome } = await askAndApply(db, checks[payment.method], payment, now);
  if (verdict.kind === 'unknown') return waitOrExpire(verdict.detail);
  return { done: true, note: `${outcome} by ${verdict.via}` };
}

const recheckPayload = z.object({
  paymentId: uuidField(),
  closedAt: z.coerce.date(),
  notFound: z.number().int().min(0).default(0),
});

/** The re-check's job: asks once, credits a "paid", and comes back at the next step until the last. */
export async function recheckClosedPayment(db: Db, checks: GatewayChecks, rawPayload: unknown, now = new Date()): Promise<JobResult & { note: string }> {
  const parsed = recheckPayload.safeParse(rawPayload);
  if (!parsed.success) return { done: true, note: 'ignored: bad payload' };
  const { paymentId, closedAt, notFound } = parsed.data;
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!payment || !isClosedUnpaid(payment.status)) return { done: true, note: `already ${payment?.status ?? 'gone'}` };
  if (payment.method === 'mpesa' && !payment.checkoutRequestId) return { done: true, note: 'no CheckoutRequestID to ask about' };

  const next = (note: string, notFoundNow: number) => {
    const at = RECHECK_AFTER_MS.map((ms) => closedAt.getTime() + ms).find((t) => t > now.getTime());
    if (at === undefined) return { done: true as const, note: `gave up after ${RECHECK_WINDOW_WORDS}: ${note}` };
    return { done: false as const, retryAt: new Date(at), note, payload: { paymentId, closedAt: closedAt.toISOString(), notFound: notFoundNow } };
  };
  const { verdict, outcome } = await askAndApply(db, checks[payment.method], payment, now);
  if (verdict.kind === 'unknown') {
    if (!verdict.notFound) return next(verdict.detail, 0);
    if (notFound + 1 >= NOT_FOUND_TIMES_TO_STOP) return { done: true, note: 'the gateway no longer knows this payment' };
    return next('not found (once)', notFound + 1);
  }
  // A declined card leaves its checkout open for another card: keep asking.
  if (verdict.kind === 'not_paid' && verdict.recheck) return next(verdict.message, 0);
  // A final "not paid" is the gateway's word; "paid" was credited (or held): nothing more to ask.
  return { done: true, note: `${outcome} by ${verdict.via}` };
}
