// Card payments at the domain level: real database, the paystack-sdk client routed to the
// emulator over real HTTP, the emulator's signed webhooks and our webhook handler.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { gatewayEvents, ledgerEntries, payments, savedCards, type Payment } from '@/db/schema';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { returnFromCheckout } from '@/lib/payments/pay-by-card';
import { sweepPayment } from '@/lib/payments/core/sweep';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { policyBalance } from '@/lib/payments/core/ledger';
import { handlePaystackWebhook } from '@/lib/webhooks/paystack';
import { completeCheckout } from '@/lib/sandbox/paystack/checkout';
import { chargeSuccessEvent } from '@/lib/sandbox/paystack/webhooks';
import { sandboxPaystackTransactions } from '@/db/sandbox-schema';
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

async function startCard(amountMinor: number, opts: { saveCard?: boolean; savedCardId?: string; policyId?: string } = {}) {
  const r = await initiateCardPayment(h.db, h.card, h.holder, { policyId: opts.policyId ?? h.afya.id, amountMinor, ...opts });
  if (!r.ok) throw new Error(r.error);
  return r;
}
const accessCodeOf = (p: Payment) => p.checkoutUrl!.split('/').pop()!;
const reload = async (p: Payment) => (await h.db.select().from(payments).where(eq(payments.id, p.id)))[0];
const ledgerOf = (id: string) => h.db.select().from(ledgerEntries).where(eq(ledgerEntries.paymentId, id));
const pay = (p: Payment, card = SUCCESS, fetchImpl?: typeof fetch) =>
  completeCheckout(h.db, accessCodeOf(p), card, { secretKey: h.paystackConfig.secretKey, appOrigin: h.origin, fetch: fetchImpl });
async function signedEvent(p: Payment, patch: (row: typeof sandboxPaystackTransactions.$inferSelect) => void = () => {}) {
  const [row] = await h.db.select().from(sandboxPaystackTransactions).where(eq(sandboxPaystackTransactions.reference, p.paystackReference!));
  patch(row);
  const body = JSON.stringify(chargeSuccessEvent(row));
  return { body, signature: signPaystackBody(body, h.paystackConfig.secretKey) };
}

describe('card payment', () => {
  test('hosted checkout → signed charge.success webhook → completed, booked, card saved', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const { payment, next } = await startCard(350_050, { saveCard: true });
    expect(next).toBe('redirect');
    expect(payment.checkoutUrl).toMatch(/\/sandbox\/paystack\/checkout\/\w+$/);
    const result = await pay(payment);
    expect(result.ok && result.webhook.delivered).toBe(true);
    expect(result.ok && result.redirectUrl).toBe(`${h.origin}/pay/card/${payment.id}?trxref=${payment.paystackReference}&reference=${payment.paystackReference}`);
    const done = await reload(payment);
    expect(done).toMatchObject({ status: 'completed', cardBrand: 'visa', cardLast4: '4081', flagged: false });
    expect((await ledgerOf(payment.id)).reduce((s, l) => s + l.amountMinor, 0)).toBe(-350_050);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 350_050);
    const cards = await h.db.select().from(savedCards).where(eq(savedCards.userId, h.holder.userId));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ brand: 'visa', last4: '4081', expMonth: '12', expYear: '2030' });
    expect(cards[0].authorizationCode).toMatch(/^AUTH_/);
    const [event] = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, payment.id), eq(gatewayEvents.kind, 'charge.success')));
    expect(event.outcome).toBe('completed');
    expect(JSON.parse(event.raw).data.reference).toBe(payment.paystackReference);
  });

  test('a saved card pays the next installment in one step (charge_authorization)', async () => {
    const [card] = await h.db.select().from(savedCards).where(eq(savedCards.userId, h.holder.userId));
    const r = await startCard(100_000, { savedCardId: card.id });
    expect(r.next).toBe('success');
    expect((await reload(r.payment)).status).toBe('completed');
    expect((await ledgerOf(r.payment.id)).reduce((s, l) => s + l.amountMinor, 0)).toBe(-100_000);
    const linesBefore = (await ledgerOf(r.payment.id)).length;
    await h.settle(); // its webhook arrives too, and must change nothing
    const [hook] = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, r.payment.id), eq(gatewayEvents.kind, 'charge.success')));
    expect(hook?.outcome).toBe('duplicate_completed');
    expect(await ledgerOf(r.payment.id)).toHaveLength(linesBefore);
    expect((await ledgerOf(r.payment.id)).reduce((s, l) => s + l.amountMinor, 0)).toBe(-100_000);
    // Someone else's saved card id is refused.
    const other = await initiateCardPayment(h.db, h.card, h.other, { policyId: h.afya.id, amountMinor: 100_000, savedCardId: card.id });
    expect(other).toMatchObject({ ok: false, code: 'not_found' });
  });

  test('a bad signature gets 401 and nothing is stored or applied', async () => {
    const { payment } = await startCard(100_000);
    const noWebhook: typeof fetch = async () => new Response(null, { status: 204 });
    await pay(payment, SUCCESS, noWebhook);
    const { body, signature } = await signedEvent(payment);
    const [{ n: before }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(gatewayEvents);
    for (const sig of [null, '', 'deadbeef', signature.slice(0, -2) + (signature.endsWith('00') ? '11' : '00'), signPaystackBody(body, 'sk_test_wrong')]) {
      const a = await handlePaystackWebhook(h.db, { secretKey: h.paystackConfig.secretKey, rawBody: body, signature: sig });
      expect(a.status).toBe(401);
    }
    const tampered = body.replace(/"amount":\d+/, '"amount":1');
    expect((await handlePaystackWebhook(h.db, { secretKey: h.paystackConfig.secretKey, rawBody: tampered, signature })).status).toBe(401);
    const res = await fetch(`${h.origin}/api/v1/payments/paystack/webhook`, { method: 'POST', body, headers: { 'x-paystack-signature': 'nope' } });
    expect(res.status).toBe(401);
    const [{ n: after }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(gatewayEvents);
    expect(after).toBe(before);
    expect((await reload(payment)).status).toBe('pending');
  });

  test('the same signed event 10 times at once has one effect (trailing slash accepted)', async () => {
    const { payment } = await startCard(100_000);
    await pay(payment, SUCCESS, async () => new Response(null, { status: 204 }));
    const { body, signature } = await signedEvent(payment);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${h.origin}/api/v1/payments/paystack/webhook${i % 2 ? '/' : ''}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-paystack-signature': signature },
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await reload(payment)).status).toBe('completed');
    expect((await ledgerOf(payment.id)).reduce((s, l) => s + l.amountMinor, 0)).toBe(-100_000);
    const events = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, payment.id), eq(gatewayEvents.kind, 'charge.success')));
    expect(events).toHaveLength(1);
  });

  test.each([
    ['amount', (row: { amount: number }) => void (row.amount = 50_000)],
    ['currency', (row: { currency: string }) => void (row.currency = 'NGN')],
  ] as const)('a signed success with the wrong %s is held for review and never credited', async (_what, patch) => {
    const before = await policyBalance(h.db, h.afya.id);
    const { payment } = await startCard(100_000);
    await pay(payment, SUCCESS, async () => new Response(null, { status: 204 }));
    const { body, signature } = await signedEvent(payment, patch as never);
    expect(await h.webhook(body, signature)).toMatchObject({ status: 200, outcome: 'queued', applied: 'held_for_review' });
    const done = await reload(payment);
    expect(done).toMatchObject({ status: 'review', flagged: true });
    expect(await ledgerOf(payment.id)).toEqual([]);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before);
  });

  test('verify on return racing the webhook applies the payment exactly once', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const { payment } = await startCard(100_000);
    await pay(payment, SUCCESS, async () => new Response(null, { status: 204 })); // hold the webhook back
    const { body, signature } = await signedEvent(payment);
    const fresh = await reload(payment);
    const [viaVerify, viaWebhook] = await Promise.all([
      returnFromCheckout(h.db, h.paystack, fresh, { cancelled: false }),
      h.webhook(body, signature),
    ]);
    expect([viaVerify, viaWebhook.applied].filter((o) => o === 'completed')).toHaveLength(1);
    expect((await reload(payment)).status).toBe('completed');
    expect((await ledgerOf(payment.id)).reduce((s, l) => s + l.amountMinor, 0)).toBe(-100_000);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 100_000);
  });

  test('a declined card is verified as failed with a plain reason', async () => {
    const { payment } = await startCard(100_000);
    const declined = await pay(payment, DECLINED);
    expect(declined).toMatchObject({ ok: false, reason: 'declined' });
    await returnFromCheckout(h.db, h.paystack, await reload(payment), { cancelled: false });
    const done = await reload(payment);
    expect(done.status).toBe('failed');
    expect(done.failureReason).toMatch(/declined/i);
    expect(await ledgerOf(payment.id)).toEqual([]);
  });

  test('an abandoned checkout is verified until it expires', async () => {
    const { payment } = await startCard(100_000);
    const soon = await sweepPayment(h.db, h.checks, payment.id);
    expect(soon.done).toBe(false);
    const later = await sweepPayment(h.db, h.checks, payment.id, new Date(Date.now() + 31 * 60_000));
    expect(later).toMatchObject({ done: true, note: expect.stringMatching(/^expired/) });
    expect((await reload(payment)).status).toBe('expired');
  });

  test('an unknown reference or unknown event is stored and acknowledged, changing nothing', async () => {
    const unknownRef = JSON.stringify({ event: 'charge.success', data: { id: 1, reference: 'NOT-OURS-1', amount: 1000, currency: 'KES', status: 'success', authorization: {}, customer: {} } });
    expect(await h.webhook(unknownRef)).toMatchObject({ status: 200, applied: 'unknown_reference' });
    const other = JSON.stringify({ event: 'subscription.create', data: { x: 1 } });
    expect(await h.webhook(other)).toMatchObject({ status: 200, outcome: 'ignored', applied: 'ignored' });
    const stored = await h.db.select().from(gatewayEvents).where(eq(gatewayEvents.source, 'paystack'));
    expect(stored.map((e) => e.raw)).toEqual(expect.arrayContaining([unknownRef, other]));
  });

  test('below the KES 3 minimum or above the balance is refused before Paystack is called', async () => {
    expect(await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor: 299 })).toMatchObject({ ok: false, code: 'invalid' });
    const balance = await policyBalance(h.db, h.afya.id);
    expect(await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor: balance + 1 })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await initiateCardPayment(h.db, h.card, h.other, { policyId: h.afya.id, amountMinor: 1000 })).toMatchObject({ ok: false, code: 'not_found' });
  });
});
