// Hostile input at every edge gets a 4xx or a clear message and changes nothing. Parsers are
// checked with property-based tests (fast-check): they never throw, whatever arrives.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { gatewayEvents, ledgerEntries, payments } from '@/db/schema';
import { parseStkCallback } from '@/lib/gateways/daraja/schemas';
import { parsePaystackWebhook } from '@/lib/gateways/paystack/schemas';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { parseKesInput, formatKes } from '@/lib/money';
import { callbackToken } from '@/lib/payments/mpesa/callback-token';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { handlePaystackWebhook } from '@/lib/webhooks/paystack';
import { handleStkCallback } from '@/lib/payments/pay-by-mpesa';
import { normalizeKenyanPhone } from '@/lib/phone';
import { startHarness, useAsAppDatabase, type Harness } from '@/tests/harness';

describe('parsers never throw (property-based)', () => {
  test('STK callback parser: any JSON value → ok or a clear error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseStkCallback(v);
        if (!r.ok) expect(typeof r.error).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  test('STK callback parser: mutated real callbacks keep integer amounts or are refused', () => {
    const item = fc.record({ Name: fc.constantFrom('Amount', 'MpesaReceiptNumber', 'TransactionDate', 'PhoneNumber', 'Balance', 'X'), Value: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(undefined)) });
    const body = fc.record({
      Body: fc.record({
        stkCallback: fc.record({
          MerchantRequestID: fc.oneof(fc.string(), fc.integer()),
          CheckoutRequestID: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          ResultCode: fc.oneof(fc.integer(), fc.string(), fc.double()),
          ResultDesc: fc.string(),
          CallbackMetadata: fc.option(fc.record({ Item: fc.array(item, { maxLength: 8 }) })),
        }),
      }),
    });
    fc.assert(
      fc.property(body, (b) => {
        const r = parseStkCallback(b);
        if (r.ok && r.value.amountMinor !== null) expect(Number.isSafeInteger(r.value.amountMinor)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('Paystack webhook parser: any text or JSON → parsed or null', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), (raw) => {
        const r = parsePaystackWebhook(raw);
        expect(r === null || typeof r.event === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('amount input: never throws; valid amounts round-trip through formatting', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const v = parseKesInput(s);
      expect(v === null || (Number.isSafeInteger(v) && v >= 0)).toBe(true);
    }), { numRuns: 5000 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (minor) => {
      expect(parseKesInput(formatKes(minor))).toBe(minor);
    }));
  });

  test('phone normalisation: never throws; accepted numbers are canonical', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => {
      const r = normalizeKenyanPhone(s);
      if (r.ok) expect(r.msisdn).toMatch(/^254[17]\d{8}$/);
      else expect(r.error).toMatch(/0712 345 678/);
    }), { numRuns: 5000 });
    fc.assert(fc.property(fc.constantFrom('07', '01', '+2547', '2541', '7'), fc.stringMatching(/^\d{8}$/), (prefix, rest) => {
      const r = normalizeKenyanPhone(prefix.endsWith('7') || prefix.endsWith('1') ? prefix + rest : `${prefix}${rest.slice(0, 8)}`);
      expect(r.ok).toBe(true);
    }));
  });
});

describe('edges refuse bad input and change nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    process.env.RATE_LIMIT_PAYMENTS_PER_USER = '100000';
    process.env.RATE_LIMIT_PAYMENTS_PER_PHONE = '100000';
    h = await startHarness();
    useAsAppDatabase(h); // the route handlers below call getDb()
  });
  afterAll(async () => {
    await h?.close();
  });
  const counts = async () => {
    const [p] = await h.db.select({ n: sql<number>`count(*)::int` }).from(payments);
    const [l] = await h.db.select({ n: sql<number>`count(*)::int` }).from(ledgerEntries);
    return { payments: p.n, ledger: l.n };
  };

  test('initiation: negative, fractional, huge, NaN amounts and other holders\' policies', async () => {
    const before = await counts();
    for (const amountMinor of [-100, 0, 99.5, 150.25, 1e20, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      const m = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor, phone: '0712345678' });
      expect(m).toMatchObject({ ok: false, code: 'invalid' });
      const c = await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor });
      expect(c).toMatchObject({ ok: false });
    }
    for (const policyId of ['', 'not-a-uuid', "'; drop table payments; --", '00000000-0000-0000-0000-000000000000']) {
      const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId, amountMinor: 100_000, phone: '0712345678' });
      expect(r).toMatchObject({ ok: false, code: 'not_found' });
    }
    const stolen = await initiateMpesaPayment(h.db, h.gateway, h.other, { policyId: h.afya.id, amountMinor: 100_000, phone: '0722000111' });
    expect(stolen).toMatchObject({ ok: false, code: 'not_found' });
    expect(await counts()).toEqual(before);
  });

  test('STK callback route: huge, broken, wrongly typed bodies → 4xx; unknown fields ignored', async () => {
    const { POST } = await import('@/app/api/v1/payments/stk/callback/[paymentId]/[token]/route');
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 100_000, phone: '0712345678' });
    if (!r.ok) throw new Error(r.error);
    const id = r.payment.id;
    const ctx = { params: Promise.resolve({ paymentId: id, token: callbackToken(id) }) };
    const post = (body: string) => POST(new Request('http://localhost/cb', { method: 'POST', body }), ctx);
    const before = await counts();
    expect((await post('x'.repeat(70_000))).status).toBe(413);
    expect((await post('{"Body":')).status).toBe(400);
    expect((await post('[]')).status).toBe(400);
    expect((await post('{"Body":{"stkCallback":{"CheckoutRequestID":12,"ResultCode":{"a":1}}}}')).status).toBe(400);
    const wrongType = await post(`{"Body":{"stkCallback":{"MerchantRequestID":"${r.payment.merchantRequestId}","CheckoutRequestID":"${r.payment.checkoutRequestId}","ResultCode":0,"ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"Amount","Value":"lots"},{"Name":"MpesaReceiptNumber","Value":"UKP1XXXXX1"}]}},"Extra":{"unknown":true}}}`);
    expect(wrongType.status).toBe(200); // stored and held for review, never credited
    const after = await counts();
    expect(after.ledger).toBe(before.ledger);
    const [{ n }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(gatewayEvents).where(sql`${gatewayEvents.paymentId} = ${id} and ${gatewayEvents.kind} = 'stk_callback'`);
    expect(n).toBe(4); // every body that reached us is kept raw, except the oversized one
  });

  test('Paystack webhook route: unsigned 401, oversized 413, signed garbage 400, nothing applied', async () => {
    const { POST } = await import('@/app/api/v1/payments/paystack/webhook/route');
    const before = await counts();
    const unsigned = await POST(new Request('http://localhost/wh', { method: 'POST', body: '{"event":"charge.success","data":{}}' }));
    expect(unsigned.status).toBe(401);
    const big = await POST(new Request('http://localhost/wh', { method: 'POST', body: 'x'.repeat(300_000) }));
    expect(big.status).toBe(413);
    for (const raw of ['{"event":"charge.success","data":{"reference":5}}', 'not json', '{"event":"charge.success","data":{"id":1,"reference":"X","amount":-5,"currency":"KES","status":"success"}}']) {
      const a = await handlePaystackWebhook(h.db, { secretKey: h.paystackConfig.secretKey, rawBody: raw, signature: signPaystackBody(raw, h.paystackConfig.secretKey) });
      expect(a.status).toBe(400);
    }
    expect(await counts()).toEqual(before);
  });
});
