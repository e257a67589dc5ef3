// Money a gateway took after we had closed the payment on our side is credited, exactly once,
// flagged for staff, and the holder gets the receipt: the two card sequences (left the checkout,
// then went back and paid; first card declined, second card paid) and an expired M-Pesa payment
// found paid by the re-query. Real database, the emulators over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { gatewayEvents, jobs, ledgerEntries, paymentStatusChanges, payments, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { runDueJobs } from '@/lib/jobs/worker';
import { returnFromCheckout } from '@/lib/payments/pay-by-card';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { policyBalance } from '@/lib/payments/core/ledger';
import { MPESA_EXPIRED_MESSAGE, RECHECK_AFTER_MS, RECHECK_CLOSED_JOB } from '@/lib/payments/core/schedule';
import { recheckClosedPayment, sweepPayment } from '@/lib/payments/core/sweep';
import { mpesaCheck } from '@/lib/payments/pay-by-mpesa';
import { NOTIFY_PAYMENT_JOB } from '@/lib/notifications/jobs';
import { completeCheckout } from '@/lib/sandbox/paystack/checkout';
import type { StkQueryResult } from '@/lib/gateways/daraja/client';
import { startHarness, type Harness } from './harness';

const SUCCESS = { number: '4084084084084081', expiry: '12/30', cvv: '408' };
const DECLINED = { number: '4084080000005408', expiry: '12/30', cvv: '001' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const reload = async (p: Payment) => (await h.db.select().from(payments).where(eq(payments.id, p.id)))[0];
const credited = async (paymentId: string) => {
  const lines = await h.db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.paymentId, paymentId), eq(ledgerEntries.kind, 'payment_received')));
  return lines.reduce((s, l) => s - l.amountMinor, 0);
};
const completions = async (paymentId: string) =>
  (await h.db.select().from(paymentStatusChanges).where(and(eq(paymentStatusChanges.paymentId, paymentId), eq(paymentStatusChanges.toStatus, 'completed')))).length;
const receiptJob = async (paymentId: string) =>
  (await h.db.select().from(jobs).where(eq(jobs.key, `${NOTIFY_PAYMENT_JOB}:${paymentId}:completed`)))[0];
const recheckJob = async (paymentId: string) => (await h.db.select().from(jobs).where(eq(jobs.key, `${RECHECK_CLOSED_JOB}:${paymentId}`)))[0];

async function startCard(amountMinor: number) {
  const r = await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor });
  if (!r.ok) throw new Error(r.error);
  return r.payment;
}
const pay = (p: Payment, card: typeof SUCCESS, fetchImpl?: typeof fetch) =>
  completeCheckout(h.db, p.checkoutUrl!.split('/').pop()!, card, { secretKey: h.paystackConfig.secretKey, appOrigin: h.origin, fetch: fetchImpl });
/** A webhook that never arrives (a proxy eats it): only our own verify can find the money. */
const lostWebhook = (async () => new Response('gone', { status: 502 })) as typeof fetch;

describe('card: a success after the payment was closed is credited', () => {
  test('left the checkout (closed as cancelled), went back and paid: the webhook credits it once, flagged', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await startCard(120_000);
    // Back from the cancel link: Paystack says abandoned, so we close the attempt.
    expect(await returnFromCheckout(h.db, h.paystack, await reload(p), { cancelled: true })).toBe('cancelled');
    expect((await reload(p)).status).toBe('cancelled');
    expect(await recheckJob(p.id)).toBeDefined();

    const paid = await pay(p, SUCCESS);
    expect(paid.ok && paid.webhook.delivered).toBe(true);
    const done = await reload(p);
    expect(done.status).toBe('completed');
    expect(done.flagged).toBe(true);
    expect(done.flagReason).toMatch(/^Success after it was closed: .*had been cancelled/);
    expect(await credited(p.id)).toBe(120_000);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 120_000);
    expect(await receiptJob(p.id)).toBeDefined();
    const [hook] = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, p.id), eq(gatewayEvents.kind, 'charge.success')));
    expect(hook.outcome).toBe('completed_late');

    // The browser comes back with the reference too, and the re-check runs later: nothing more.
    expect(await returnFromCheckout(h.db, h.paystack, done, { cancelled: false })).toBeNull();
    const later = await recheckClosedPayment(h.db, h.checks, (await recheckJob(p.id)).payload);
    expect(later).toMatchObject({ done: true, note: 'already completed' });
    expect(await credited(p.id)).toBe(120_000);
    expect(await completions(p.id)).toBe(1);
  });

  test('left the checkout, went back and paid, the webhook was lost: the return verify credits it', async () => {
    const p = await startCard(110_000);
    await returnFromCheckout(h.db, h.paystack, await reload(p), { cancelled: true });
    const paid = await pay(p, SUCCESS, lostWebhook);
    expect(paid.ok && paid.webhook.delivered).toBe(false);
    expect((await reload(p)).status).toBe('cancelled');
    expect(await returnFromCheckout(h.db, h.paystack, await reload(p), { cancelled: false })).toBe('completed_late');
    const done = await reload(p);
    expect(done).toMatchObject({ status: 'completed', flagged: true });
    expect(await credited(p.id)).toBe(110_000);
  });

  test('first card declined (failed), second card on the same checkout paid: credited once, flagged', async () => {
    const p = await startCard(130_000);
    const declined = await pay(p, DECLINED);
    expect(declined).toMatchObject({ ok: false, reason: 'declined' });
    expect(await returnFromCheckout(h.db, h.paystack, await reload(p), { cancelled: false })).toBe('failed');
    expect((await reload(p)).status).toBe('failed');

    const paid = await pay(p, SUCCESS);
    expect(paid.ok && paid.webhook.delivered).toBe(true);
    const done = await reload(p);
    expect(done).toMatchObject({ status: 'completed', flagged: true });
    expect(done.flagReason).toMatch(/had failed/);
    expect(await credited(p.id)).toBe(130_000);
    expect(await completions(p.id)).toBe(1);
    expect(await receiptJob(p.id)).toBeDefined();
  });

  test('second card paid but the webhook was lost and the holder never came back: the re-check credits it', async () => {
    const p = await startCard(140_000);
    await pay(p, DECLINED);
    await returnFromCheckout(h.db, h.paystack, await reload(p), { cancelled: false });
    await pay(p, SUCCESS, lostWebhook);
    expect((await reload(p)).status).toBe('failed');
    const job = await recheckJob(p.id);
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now() + RECHECK_AFTER_MS[0] - 60_000);
    // Run it through the worker, as an instance would 15 minutes later.
    await h.db.update(jobs).set({ runAt: new Date(Date.now() - 1000) }).where(eq(jobs.id, job.id));
    const handlers = { [RECHECK_CLOSED_JOB]: (db: typeof h.db, j: typeof job) => recheckClosedPayment(db, h.checks, j.payload) };
    expect(await runDueJobs(h.db, handlers, 10, [RECHECK_CLOSED_JOB])).toBeGreaterThanOrEqual(1);
    expect(await reload(p)).toMatchObject({ status: 'completed', flagged: true });
    expect(await credited(p.id)).toBe(140_000);
    expect(await recheckJob(p.id)).toBeUndefined();
  });
});

describe('M-Pesa: an expired payment is asked about again', () => {
  async function startMpesa(amountMinor: number) {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.motor.id, amountMinor, phone: '0712345678' });
    if (!r.ok) throw new Error(r.error);
    return r.payment;
  }
  const expire = (p: Payment) => sweepPayment(h.db, h.checks, p.id, new Date(Date.now() + 20 * 60_000));

  test('paid on the phone, callback lost, expired by the sweep: the re-query credits it once', async () => {
    const before = await policyBalance(h.db, h.motor.id);
    const p = await startMpesa(100_000);
    expect(await expire(p)).toMatchObject({ done: true });
    const expired = await reload(p);
    expect(expired.status).toBe('expired');
    // What the holder reads is what will happen.
    expect(expired.failureReason).toBe(MPESA_EXPIRED_MESSAGE);
    expect(expired.failureReason).toMatch(/keep checking with M-Pesa for the next 24 hours/);
    const job = await recheckJob(p.id);
    const closedAt = new Date(String((job.payload as { closedAt: string }).closedAt));
    expect(job.runAt.getTime()).toBe(closedAt.getTime() + 15 * 60_000);

    // The holder paid after all; Daraja's callback never reached us.
    await h.db
      .update(sandboxStkPrompts)
      .set({ resultCode: '0', resultDesc: 'The service request is processed successfully.', receipt: 'UKP1LATE01', answeredAt: new Date() })
      .where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
    const r = await recheckClosedPayment(h.db, h.checks, job.payload, new Date(closedAt.getTime() + 16 * 60_000));
    expect(r).toMatchObject({ done: true, note: 'completed_late by STK Query' });
    const done = await reload(p);
    expect(done.status).toBe('completed');
    expect(done.flagReason).toMatch(/had expired/);
    expect(done.flagReason).toMatch(/receipt number not yet known/);
    expect(await credited(p.id)).toBe(100_000);
    expect(await policyBalance(h.db, h.motor.id)).toBe(before - 100_000);
    expect(await receiptJob(p.id)).toBeDefined();
    // A late callback for the same payment now changes nothing.
    const again = await recheckClosedPayment(h.db, h.checks, job.payload, new Date(closedAt.getTime() + 61 * 60_000));
    expect(again).toMatchObject({ done: true, note: 'already completed' });
    expect(await completions(p.id)).toBe(1);
  });

  test('backs off 15 min → 1 h → 6 h → 24 h while M-Pesa has no answer, then stops', async () => {
    const p = await startMpesa(100_000);
    await expire(p);
    const { payload } = await recheckJob(p.id);
    const closedAt = new Date(String((payload as { closedAt: string }).closedAt)).getTime();
    const processing: StkQueryResult = { state: 'pending', resultCode: '4999' };
    const daraja = { stkQuery: async () => processing };
    const seen: number[] = [];
    let current: unknown = payload;
    for (const at of RECHECK_AFTER_MS) {
      const r = await recheckClosedPayment(h.db, { ...h.checks, mpesa: mpesaCheck(daraja) }, current, new Date(closedAt + at + 1000));
      if (!r.done) {
        seen.push(r.retryAt.getTime() - closedAt);
        current = r.payload;
      } else {
        expect(r.note).toMatch(/gave up after 24 hours/);
      }
    }
    expect(seen).toEqual([3600_000, 6 * 3600_000, 24 * 3600_000]);
    expect((await reload(p)).status).toBe('expired');
    const queries = await h.db.select({ n: sql<number>`count(*)::int` }).from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, p.id), eq(gatewayEvents.kind, 'stk_query')));
    expect(queries[0].n).toBeGreaterThanOrEqual(4);
    await h.db.update(sandboxStkPrompts).set({ resultCode: '1032', answeredAt: new Date() }).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
  });

  test('stops when M-Pesa no longer knows the prompt (twice in a row: once can be a glitch); a final "not paid" stops too', async () => {
    const p = await startMpesa(100_000);
    await expire(p);
    const { payload } = await recheckJob(p.id);
    const closedAt = new Date(String((payload as { closedAt: string }).closedAt)).getTime();
    const notFound = { stkQuery: async (): Promise<StkQueryResult> => ({ state: 'no_answer', detail: 'does not Exist', notFound: true }) };
    const first = await recheckClosedPayment(h.db, { ...h.checks, mpesa: mpesaCheck(notFound) }, payload, new Date(closedAt + 16 * 60_000));
    expect(first).toMatchObject({ done: false, payload: { notFound: 1 } });
    const second = await recheckClosedPayment(h.db, { ...h.checks, mpesa: mpesaCheck(notFound) }, first.done ? payload : first.payload, new Date(closedAt + 61 * 60_000));
    expect(second).toMatchObject({ done: true, note: 'the gateway no longer knows this payment' });

    const cancelled = { stkQuery: async (): Promise<StkQueryResult> => ({ state: 'final', resultCode: '1032', resultDesc: 'Request cancelled by user' }) };
    const final = await recheckClosedPayment(h.db, { ...h.checks, mpesa: mpesaCheck(cancelled) }, payload, new Date(closedAt + 16 * 60_000));
    expect(final.done).toBe(true);
    expect((await reload(p)).status).toBe('expired');
    expect(await credited(p.id)).toBe(0);
    await h.db.update(sandboxStkPrompts).set({ resultCode: '1032', answeredAt: new Date() }).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
  });
});
