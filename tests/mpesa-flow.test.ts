// The M-Pesa slice end to end at the domain level: real database (PGlite, or PostgreSQL when
// DATABASE_URL is set), real Daraja client, the emulator and our callback handler over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { gatewayEvents, installments, jobs, ledgerEntries, payments, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { callbackToken } from '@/lib/payments/mpesa/callback-token';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { installmentsWithPaid, policyBalance } from '@/lib/payments/core/ledger';
import { getPayment } from '@/lib/payments/queries';
import { sweepPayment } from '@/lib/payments/core/sweep';
import { applyQueuedStkCallbacks, applyStkCallbackEvent, handleStkCallback } from '@/lib/payments/pay-by-mpesa';
import { callbackBody, respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { getPolicy } from '@/lib/policies';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function start(policyId: string, amountMinor: number, phone = '0712345678', viewer = h.holder) {
  const r = await initiateMpesaPayment(h.db, h.gateway, viewer, { policyId, amountMinor, phone });
  if (!r.ok) throw new Error(`initiation failed: ${r.error}`);
  return r.payment;
}

async function promptFor(p: Payment) {
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
  return prompt;
}

async function reload(p: Payment) {
  const [row] = await h.db.select().from(payments).where(eq(payments.id, p.id));
  return row;
}

async function ledgerOf(paymentId: string) {
  return h.db.select().from(ledgerEntries).where(eq(ledgerEntries.paymentId, paymentId));
}

/** Closes whatever is pending on a policy so the next test starts clean. */
async function settle(p: Payment, action: 'pin' | 'cancel' = 'cancel') {
  const prompt = await promptFor(p);
  if (prompt && !prompt.resultCode) await respondToPrompt(h.db, prompt.id, action);
}

describe('M-Pesa payment', () => {
  test('initiate → PIN entered → completed; ledger, installments and balance follow', async () => {
    const before = await policyBalance(h.db, h.motor.id);
    expect(before).toBe(4_800_000);
    const p = await start(h.motor.id, 1_500_000); // one overdue installment (12,000) + 3,000 of the next
    expect(p.status).toBe('pending');
    expect(p.checkoutRequestId).toMatch(/^ws_CO_\d+$/);
    expect(p.phone).toBe('254712345678');

    const prompt = await promptFor(p);
    expect(prompt.amountKes).toBe(15_000);
    const answer = await respondToPrompt(h.db, prompt.id, 'pin');
    expect(answer).toMatchObject({ answered: true, delivered: true, status: 200 });

    const done = await reload(p);
    expect(done.status).toBe('completed');
    expect(done.mpesaReceipt).toMatch(/^[A-Z0-9]{10}$/);
    expect(done.completedAt).not.toBeNull();
    expect(done.flagged).toBe(false);

    const lines = await ledgerOf(p.id);
    const holderLines = lines.filter((l) => l.account === 'holder');
    expect(holderLines.map((l) => l.amountMinor).sort((a, b) => a - b)).toEqual([-1_200_000, -300_000]);
    // The motor policy's agent earns 10%, on the agent's account only.
    const commission = lines.filter((l) => l.account === 'agent');
    expect(commission.map((l) => [l.kind, l.amountMinor])).toEqual([['commission', 150_000]]);
    expect(commission[0].agentId).not.toBeNull();
    expect(await policyBalance(h.db, h.motor.id)).toBe(before - 1_500_000);
    const schedule = await installmentsWithPaid(h.db, h.motor.id);
    expect(schedule.map((i) => [i.seq, i.status, i.paidMinor])).toEqual([
      [1, 'paid', 1_200_000],
      [2, 'partly_paid', 300_000],
      [3, 'due', 0],
      [4, 'due', 0],
    ]);
    const events = await h.db.select().from(gatewayEvents).where(eq(gatewayEvents.paymentId, p.id));
    expect(events.map((e) => e.kind).sort()).toEqual(['stk_callback', 'stk_push_response']);
    const cb = events.find((e) => e.kind === 'stk_callback')!;
    expect(cb.raw).toContain('"MpesaReceiptNumber"');
    expect(cb.outcome).toBe('completed');
  });

  test.each([
    ['cancel', 'cancelled', '1032', /cancelled/i],
    ['insufficient', 'failed', '1', /balance/i],
    ['wrong_pin', 'failed', '2001', /PIN/],
    ['no_answer', 'expired', '1037', /reach your phone/i],
  ] as const)('%s → %s (ResultCode %s), nothing credited', async (action, status, code, reason) => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await start(h.afya.id, 100_000);
    await respondToPrompt(h.db, (await promptFor(p)).id, action);
    const done = await reload(p);
    expect(done.status).toBe(status);
    expect(done.failureCode).toBe(code);
    expect(done.failureReason).toMatch(reason);
    expect(await ledgerOf(p.id)).toEqual([]);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before);
  });

  test('the same success callback delivered 10 times at once has exactly one effect', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await start(h.afya.id, 200_000);
    const prompt = await promptFor(p);
    await h.db.update(sandboxStkPrompts).set({ resultCode: '0', resultDesc: 'The service request is processed successfully.', receipt: 'UKP1ABCDEF', answeredAt: new Date() }).where(eq(sandboxStkPrompts.id, prompt.id));
    const body = callbackBody({ ...prompt, resultCode: '0', resultDesc: 'The service request is processed successfully.', receipt: 'UKP1ABCDEF', answeredAt: new Date() }, false);
    const token = callbackToken(p.id);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => handleStkCallback(h.db, { paymentId: p.id, token, rawBody: body })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Identical bytes are stored and queued once; the other nine are acknowledged duplicates.
    expect(answers.filter((a) => a.outcome === 'queued')).toHaveLength(1);
    expect((await reload(p)).status).toBe('pending'); // answered before it is applied
    // Three instances' workers drain the queue at once: still one effect.
    const applied = await Promise.all([1, 2, 3].map(() => applyQueuedStkCallbacks(h.db)));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await reload(p)).status).toBe('completed');
    expect(await ledgerOf(p.id)).toHaveLength(1);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 200_000);
    const stored = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, p.id), eq(gatewayEvents.kind, 'stk_callback')));
    expect(stored).toHaveLength(1); // identical bytes are one event
    expect(stored[0].outcome).toBe('completed');
    // Applying the same event again (a worker that crashed before finishing its job) changes nothing.
    expect(await applyStkCallbackEvent(h.db, stored[0].id)).toBe('already_applied');
    expect(await ledgerOf(p.id)).toHaveLength(1);
  });

  test('a callback whose Amount differs is stored, held for review and never credited', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await start(h.afya.id, 100_000);
    const forged = `{"Body":{"stkCallback":{"MerchantRequestID":"${p.merchantRequestId}","CheckoutRequestID":"${p.checkoutRequestId}","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"UKP1FORGED"},{"Name":"TransactionDate","Value":20261125101010},{"Name":"PhoneNumber","Value":254712345678}]}}}}`;
    const a = await handleStkCallback(h.db, { paymentId: p.id, token: callbackToken(p.id), rawBody: forged });
    expect(a.status).toBe(200);
    await applyQueuedStkCallbacks(h.db);
    const done = await reload(p);
    expect(done.status).toBe('review');
    expect(done.flagged).toBe(true);
    expect(done.flagReason).toMatch(/amount/i);
    expect(done.mpesaReceipt).toBeNull();
    expect(await ledgerOf(p.id)).toEqual([]);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before);
    await settle(p);
  });

  test('a callback for another CheckoutRequestID is stored and changes nothing', async () => {
    const p = await start(h.afya.id, 100_000);
    const body = `{"Body":{"stkCallback":{"MerchantRequestID":"1-2-3","CheckoutRequestID":"ws_CO_0000","ResultCode":0,"ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1000},{"Name":"MpesaReceiptNumber","Value":"UKP1OTHER1"},{"Name":"PhoneNumber","Value":254712345678}]}}}}`;
    const a = await handleStkCallback(h.db, { paymentId: p.id, token: callbackToken(p.id), rawBody: body });
    expect(a.status).toBe(200);
    await applyQueuedStkCallbacks(h.db);
    expect((await reload(p)).status).toBe('pending');
    const [ev] = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, p.id), eq(gatewayEvents.kind, 'stk_callback')));
    expect(ev.raw).toBe(body);
    expect(ev.outcome).toBe('unknown_checkout');
    await settle(p);
  });

  test('a genuine token for a payment we do not have: stored unattached, acknowledged, nothing applied', async () => {
    const ghost = '3f0c9a4e-1111-4222-8333-944455556666';
    const body = '{"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"ws_CO_1","ResultCode":1032,"ResultDesc":"Request cancelled by user"}}}';
    const a = await handleStkCallback(h.db, { paymentId: ghost, token: callbackToken(ghost), rawBody: body });
    expect(a).toMatchObject({ status: 200, outcome: 'unknown_payment' });
    const [ev] = await h.db.select().from(gatewayEvents).where(eq(gatewayEvents.raw, body));
    expect(ev.paymentId).toBeNull();
    expect(ev.outcome).toBe('unknown_payment');
    expect(await applyQueuedStkCallbacks(h.db)).toBe(0); // nothing was queued
  });

  test('malformed JSON gets 400 and only the raw event is stored', async () => {
    const p = await start(h.afya.id, 100_000);
    const raw = '{"Body": {"stkCallback": ';
    const a = await handleStkCallback(h.db, { paymentId: p.id, token: callbackToken(p.id), rawBody: raw });
    expect(a.status).toBe(400);
    expect((await reload(p)).status).toBe('pending');
    const [ev] = await h.db.select().from(gatewayEvents).where(eq(gatewayEvents.raw, raw));
    expect(ev).toMatchObject({ outcome: 'malformed_json', payload: null, paymentId: p.id });
    const wrongShape = await handleStkCallback(h.db, { paymentId: p.id, token: callbackToken(p.id), rawBody: '{"Body":{}}' });
    expect(wrongShape.status).toBe(400);
    expect(await ledgerOf(p.id)).toEqual([]);
    await settle(p);
  });

  test('a wrong secret in the path is rejected and nothing is stored', async () => {
    const p = await start(h.afya.id, 100_000);
    const [{ n: before }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(gatewayEvents);
    const body = `{"Body":{"stkCallback":{"MerchantRequestID":"${p.merchantRequestId}","CheckoutRequestID":"${p.checkoutRequestId}","ResultCode":1032,"ResultDesc":"Request cancelled by user"}}}`;
    for (const token of ['nope', callbackToken(p.id).replace(/.$/, (c) => (c === '0' ? '1' : '0')), '']) {
      const a = await handleStkCallback(h.db, { paymentId: p.id, token, rawBody: body });
      expect(a.status).toBe(404);
    }
    const res = await fetch(`${h.origin}/api/v1/payments/stk/callback/${p.id}/${'0'.repeat(40)}`, { method: 'POST', body });
    expect(res.status).toBe(404);
    const [{ n: after }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(gatewayEvents);
    expect(after).toBe(before);
    expect((await reload(p)).status).toBe('pending');
    await settle(p);
  });

  test('a success arriving after expiry still completes the payment, flagged for staff', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await start(h.afya.id, 100_000);
    // The sweep gave up on it (we pretend 20 minutes passed).
    const swept = await sweepPayment(h.db, h.checks, p.id, new Date(Date.now() + 20 * 60_000));
    expect(swept.done).toBe(true);
    expect((await reload(p)).status).toBe('expired');
    await respondToPrompt(h.db, (await promptFor(p)).id, 'pin');
    const done = await reload(p);
    expect(done.status).toBe('completed');
    expect(done.flagged).toBe(true);
    expect(done.flagReason).toMatch(/after the payment had expired/);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 100_000);
  });

  test('reconciliation: STK Query keeps waiting on 4999, completes on success (flagged: no receipt)', async () => {
    const p = await start(h.afya.id, 100_000);
    const waiting = await sweepPayment(h.db, h.checks, p.id);
    expect(waiting.done).toBe(false);
    expect((await reload(p)).status).toBe('pending');
    // The phone paid but the callback was lost: answer the prompt without delivering it.
    await h.db.update(sandboxStkPrompts).set({ resultCode: '0', resultDesc: 'The service request is processed successfully.', receipt: 'UKP1LOST01', answeredAt: new Date() }).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
    const found = await sweepPayment(h.db, h.checks, p.id);
    expect(found).toMatchObject({ done: true, note: 'completed by STK Query' });
    const done = await reload(p);
    expect(done.status).toBe('completed');
    expect(done.flagged).toBe(true);
    expect(done.flagReason).toMatch(/receipt/i);
    expect((await ledgerOf(p.id)).reduce((sum, l) => sum + l.amountMinor, 0)).toBe(-100_000);
    const queries = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, p.id), eq(gatewayEvents.kind, 'stk_query')));
    expect(queries).toHaveLength(2);
  });

  test('initiation queues the reconciliation job in the same transaction', async () => {
    const p = await start(h.afya.id, 100_000);
    const [job] = await h.db.select().from(jobs).where(eq(jobs.key, `mpesa.reconcile:${p.id}`));
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    await settle(p);
  });
});

describe('guards', () => {
  test('overpayment, cents and zero are refused and change nothing', async () => {
    const balance = await policyBalance(h.db, h.motor.id);
    const [{ n: before }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(payments);
    const over = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.motor.id, amountMinor: balance + 100, phone: '0712345678' });
    expect(over).toMatchObject({ ok: false, code: 'invalid' });
    expect(!over.ok && over.error).toMatch(/at most KES/);
    for (const amountMinor of [0, 50, 1050, -100, 1.5]) {
      const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.motor.id, amountMinor, phone: '0712345678' });
      expect(r.ok).toBe(false);
    }
    const badPhone = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.motor.id, amountMinor: 100, phone: '12345' });
    expect(badPhone).toMatchObject({ ok: false, code: 'invalid' });
    const [{ n: after }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(payments);
    expect(after).toBe(before);
  });

  test('concurrent initiations on one policy give one pending payment', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 100_000, phone: '0712345678' }),
      ),
    );
    const ids = new Set(results.map((r) => (r.ok ? r.payment.id : 'error')));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.ok && !r.existing)).toHaveLength(1);
    const pending = await h.db.select().from(payments).where(and(eq(payments.policyId, h.afya.id), eq(payments.status, 'pending')));
    expect(pending).toHaveLength(1);
    await settle(pending[0]);
  });

  test('a gateway refusal fails the payment and frees the policy', async () => {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 100_000, phone: '0700000429' });
    expect(r).toMatchObject({ ok: false, code: 'gateway' });
    expect(!r.ok && r.payment?.status).toBe('failed');
    expect(!r.ok && r.error).toMatch(/busy/i);
    const next = await start(h.afya.id, 100_000);
    expect(next.status).toBe('pending');
    await settle(next);
  });

  test("a holder cannot pay, read or see another holder's policy or payment", async () => {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.other, { policyId: h.motor.id, amountMinor: 100_000, phone: '0722000111' });
    expect(r).toMatchObject({ ok: false, code: 'not_found' });
    expect(await getPolicy(h.db, h.other, h.motor.id)).toBeNull();
    const [mine] = await h.db.select().from(payments).where(eq(payments.userId, h.holder.userId)).limit(1);
    expect(await getPayment(h.db, h.other, mine.id)).toBeNull();
    expect(await getPayment(h.db, h.holder, mine.id)).not.toBeNull();
    expect(await getPayment(h.db, { userId: h.other.userId, role: 'finance' }, mine.id)).not.toBeNull();
  });

  test('the ledger refuses updates and deletes, and its lines stay as they were', async () => {
    const before = await h.db.select().from(ledgerEntries);
    expect(before.length).toBeGreaterThan(0);
    await expect(h.db.update(ledgerEntries).set({ memo: 'edited' })).rejects.toThrow();
    await expect(h.db.delete(ledgerEntries)).rejects.toThrow();
    expect(await h.db.select().from(ledgerEntries)).toEqual(before);
  });
});
