/**
 * The sandbox checkout with each of docs/paystack.md §11's test cards: what is stored, what the browser is sent to,
 * and the charge.success webhook — delivered once over real HTTP, signed so that
 * verifyPaystackSignature accepts it and rejects any change to the body.
 */
import fs from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { DatabaseHandle } from '@/db/client';
import { sandboxPaystackTransactions } from '@/db/sandbox-schema';
import { parsePaystackWebhook, toCardDetails } from '@/lib/gateways/paystack/schemas';
import { signPaystackBody, verifyPaystackSignature } from '@/lib/gateways/paystack/signature';
import { freshDatabase } from '@/tests/db';
import {
  authorizationCodeFor,
  callbackRedirectUrl,
  cancelCheckout,
  cardSignatureFor,
  completeCheckout,
  parseExpiry,
  TEST_CARDS,
  testCardByNumber,
  type CheckoutCardInput,
} from './checkout';
import { handlePaystackSandbox } from './emulator';
import { sendPaystackWebhook } from './webhooks';

const FIXTURE_DIRS = [path.join(process.cwd(), 'tests', 'fixtures', 'paystack'), '/work/shared/fixtures/paystack'];
const FIXTURES = FIXTURE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'verify.success.json'))) ?? '';
if (!FIXTURES) throw new Error(`Paystack fixtures not found in ${FIXTURE_DIRS.join(' or ')}`);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

const SECRET = 'sk_test_checkouttest00000000000000000000000000';
const EMAIL = 'holder@example.com';
const CALLBACK = 'https://malipo.example/pay/card/callback?payment=p1';

type Hook = { path: string; headers: IncomingHttpHeaders; raw: string };

let handle: DatabaseHandle;
let server: Server;
let origin: string;
let hooks: Hook[];
let hookStatus: number;

beforeAll(async () => {
  handle = await freshDatabase();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await handle?.close();
});
beforeEach(() => {
  hooks = [];
  hookStatus = 200;
});

const opts = () => ({ secretKey: SECRET, appOrigin: origin });
let counter = 0;

async function initialize(body: Record<string, unknown> = {}) {
  const reference = `MLP-co-${Date.now()}-${++counter}`;
  const res = await handlePaystackSandbox(
    new Request(`${origin}/api/sandbox/paystack/transaction/initialize`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        email: EMAIL,
        amount: 123456,
        currency: 'KES',
        reference,
        callback_url: CALLBACK,
        metadata: { paymentId: 'p1', custom_fields: [] },
        ...body,
      }),
    }),
    ['transaction', 'initialize'],
    { db: handle.db, secretKey: SECRET, appOrigin: origin },
  );
  const data = ((await res.json()) as { data: { access_code: string } }).data;
  return { reference, accessCode: data.access_code };
}

async function stored(reference: string) {
  const [row] = await handle.db.select().from(sandboxPaystackTransactions).where(eq(sandboxPaystackTransactions.reference, reference));
  return row!;
}

const cardInput = (number: string, extra: Partial<CheckoutCardInput> = {}): CheckoutCardInput => ({
  number,
  expiry: '12/30',
  cvv: testCardByNumber(number)?.cvv ?? '123',
  ...extra,
});

/** Gives each card everything it asks for (PIN, phone, OTP). */
const fullInput = (number: string) => {
  const card = testCardByNumber(number)!;
  return cardInput(number, { pin: card.pin, otp: card.otp, phone: card.asksPhone ? '0710000000' : undefined });
};

// ---------------------------------------------------------------------------------------------

describe('successful cards', () => {
  it.each(TEST_CARDS.filter((c) => c.outcome === 'success').map((c) => [c.number, c.label]))(
    '%s (%s): stores success and sends one signed charge.success',
    async (number) => {
      const { reference, accessCode } = await initialize();
      const result = await completeCheckout(handle.db, accessCode, fullInput(number), opts());
      expect(result).toEqual({
        ok: true,
        reference,
        redirectUrl: `${CALLBACK}&trxref=${reference}&reference=${reference}`,
        webhook: { delivered: true, status: 200 },
      });

      const row = await stored(reference);
      expect(row).toMatchObject({ status: 'success', gatewayResponse: 'Successful', channel: 'card' });
      expect(row.paidAt).toBeInstanceOf(Date);
      const parsed = parsePaystackWebhook(hooks[0]!.raw);
      if (parsed?.kind !== 'charge.success') throw new Error('expected a charge.success webhook');
      expect(parsed.data).toMatchObject({ reference, amount: 123456, currency: 'KES', status: 'success' });
      expect(toCardDetails(parsed.data.authorization)).toEqual({
        authorizationCode: authorizationCodeFor(number, EMAIL),
        reusable: true,
        brand: testCardByNumber(number)!.brand,
        last4: number.slice(-4),
        expMonth: '12',
        expYear: '2030',
        bank: 'TEST BANK',
        signature: cardSignatureFor(number),
      });

      expect(hooks).toHaveLength(1);
      const hook = hooks[0]!;
      expect(hook.path).toBe('/api/v1/payments/paystack/webhook');
      expect(hook.headers['content-type']).toBe('application/json');
      const signature = String(hook.headers['x-paystack-signature']);
      expect(signature).toMatch(/^[0-9a-f]{128}$/);
      expect(verifyPaystackSignature(hook.raw, signature, SECRET)).toBe(true);
      expect(verifyPaystackSignature(hook.raw.replace('"amount":123456', '"amount":123457'), signature, SECRET)).toBe(false);
      expect(verifyPaystackSignature(hook.raw, signature, 'sk_test_other')).toBe(false);
    },
  );

  it('sends charge.success shaped like the KES card sample, with our metadata and customer', async () => {
    const { reference, accessCode } = await initialize();
    await completeCheckout(handle.db, accessCode, cardInput('4084084084084081'), opts());
    const body = JSON.parse(hooks[0]!.raw) as { event: string; data: Record<string, unknown> };
    // Compact JSON, as Paystack sends (sources.md).
    expect(hooks[0]!.raw).toBe(JSON.stringify(body));
    expect(body.event).toBe('charge.success');
    const sample = fixture('webhook.charge.success.kes-card.json').data as Record<string, unknown>;
    expect(Object.keys(body.data).sort()).toEqual(Object.keys(sample).sort());
    expect(Object.keys(body.data.authorization as object).sort()).toEqual(Object.keys(sample.authorization as object).sort());
    expect(body.data).toMatchObject({
      domain: 'test',
      status: 'success',
      reference,
      amount: 123456,
      requested_amount: 123456,
      currency: 'KES',
      channel: 'card',
      gateway_response: 'Successful',
      metadata: { paymentId: 'p1', custom_fields: [] },
      customer: { email: EMAIL },
      plan: {},
      source: { type: 'api', source: 'merchant_api', entry_point: 'transaction_initialize', identifier: null },
      authorization: { card_type: 'visa ', country_code: 'KE', reusable: true, channel: 'card' },
    });
    expect(body.data.id).toBeGreaterThan(2 ** 31);
    expect(typeof body.data.fees).toBe('number');
  });

  it('keeps the same AUTH_ code for the same card and email, and the signature per card', async () => {
    expect(authorizationCodeFor('4084 0840 8408 4081', EMAIL)).toBe(authorizationCodeFor('4084084084084081', EMAIL.toUpperCase()));
    expect(authorizationCodeFor('4084084084084081', EMAIL)).toMatch(/^AUTH_[a-z0-9]{10}$/);
    expect(authorizationCodeFor('4084084084084081', 'other@example.com')).not.toBe(authorizationCodeFor('4084084084084081', EMAIL));
    expect(cardSignatureFor('4084084084084081')).toMatch(/^SIG_[A-Za-z0-9]{20}$/);
    expect(cardSignatureFor('4084084084084081')).not.toBe(cardSignatureFor('5192602720584796'));
  });

  it('pays once: a second submit (double click, another instance) changes nothing and sends nothing', async () => {
    const { accessCode, reference } = await initialize();
    const first = completeCheckout(handle.db, accessCode, cardInput('4084084084084081'), opts());
    const second = completeCheckout(handle.db, accessCode, cardInput('5192602720584796'), opts());
    const results = await Promise.all([first, second]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, reason: 'paid' });
    const again = await completeCheckout(handle.db, accessCode, cardInput('4084084084084081'), opts());
    expect(again).toEqual({
      ok: false,
      reason: 'paid',
      message: 'This payment is complete.',
      redirectUrl: `${CALLBACK}&trxref=${reference}&reference=${reference}`,
    });
    expect(hooks).toHaveLength(1);
  });

  it('does not throw when the app refuses or cannot be reached; the payment stays recorded', async () => {
    hookStatus = 500;
    const a = await initialize();
    const refused = await completeCheckout(handle.db, a.accessCode, cardInput('4084084084084081'), opts());
    expect(refused).toMatchObject({ ok: true, webhook: { delivered: false, status: 500 } });
    expect(hooks).toHaveLength(1); // once: no retries

    const b = await initialize();
    const unreachable = await completeCheckout(handle.db, b.accessCode, cardInput('4084084084084081'), {
      secretKey: SECRET,
      appOrigin: 'http://127.0.0.1:9',
    });
    expect(unreachable).toMatchObject({ ok: true, webhook: { delivered: false } });
    expect((await stored(b.reference)).status).toBe('success');
  });

  it('returns no redirect when the checkout had no callback_url', async () => {
    const { accessCode } = await initialize({ callback_url: undefined });
    expect(await completeCheckout(handle.db, accessCode, cardInput('4084084084084081'), opts())).toMatchObject({ ok: true, redirectUrl: null });
  });
});

describe('declining cards', () => {
  it.each([
    ['4084080000005408', 'Declined'],
    ['4084080000670037', 'Insufficient Funds'],
  ])('%s → failed "%s", no webhook, and another card can still pay', async (number, message) => {
    const { reference, accessCode } = await initialize();
    const result = await completeCheckout(handle.db, accessCode, cardInput(number), opts());
    expect(result).toEqual({ ok: false, reason: 'declined', message });
    const row = await stored(reference);
    expect(row).toMatchObject({ status: 'failed', gatewayResponse: message, paidAt: null });
    expect(row.authorization).toMatchObject({ reusable: false, last4: number.slice(-4) });
    expect(hooks).toHaveLength(0); // no charge.failed event exists (docs/paystack.md §10)

    const retry = await completeCheckout(handle.db, accessCode, cardInput('4084084084084081'), opts());
    expect(retry.ok).toBe(true);
    expect(hooks).toHaveLength(1);
  });

  it('507850785078507853 asks for the PIN, then fails with "Token Not Generated"', async () => {
    const { reference, accessCode } = await initialize();
    expect(await completeCheckout(handle.db, accessCode, cardInput('507850785078507853'), opts())).toMatchObject({
      ok: false,
      reason: 'needs',
      needs: 'pin',
    });
    expect(await completeCheckout(handle.db, accessCode, cardInput('507850785078507853', { pin: '0000' }), opts())).toEqual({
      ok: false,
      reason: 'declined',
      message: 'Token Not Generated',
    });
    expect((await stored(reference)).status).toBe('failed');
  });

  it('a past expiry is declined as "Expired card"', async () => {
    const { accessCode } = await initialize();
    expect(await completeCheckout(handle.db, accessCode, cardInput('4084084084084081', { expiry: '01/20' }), opts())).toMatchObject({
      reason: 'declined',
      message: 'Expired card',
    });
  });
});

describe('cards that ask for more (§11)', () => {
  it('PIN + OTP card: asks for the PIN, refuses a wrong one, then asks for the OTP, then pays', async () => {
    const number = '5060666666666666666';
    const { reference, accessCode } = await initialize();
    const step = (extra: Partial<CheckoutCardInput>) => completeCheckout(handle.db, accessCode, cardInput(number, extra), opts());
    expect(await step({})).toMatchObject({ ok: false, reason: 'needs', needs: 'pin' });
    expect(await step({ pin: '9999' })).toMatchObject({ ok: false, reason: 'needs', needs: 'pin', message: expect.stringMatching(/Incorrect PIN/) });
    expect(await step({ pin: '1234' })).toMatchObject({ ok: false, reason: 'needs', needs: 'otp' });
    expect(await step({ pin: '1234', otp: '000000' })).toMatchObject({ ok: false, needs: 'otp', message: expect.stringMatching(/Incorrect OTP/) });
    expect((await stored(reference)).status).toBe('abandoned'); // nothing decided yet
    expect(await step({ pin: '1234', otp: '123456' })).toMatchObject({ ok: true });
    expect(hooks).toHaveLength(1);
  });

  it('PIN + phone + OTP card: a phone with fewer than 10 digits fails', async () => {
    const number = '507850785078507804';
    const { accessCode } = await initialize();
    expect(await completeCheckout(handle.db, accessCode, cardInput(number, { pin: '0000' }), opts())).toMatchObject({ needs: 'phone' });
    expect(await completeCheckout(handle.db, accessCode, cardInput(number, { pin: '0000', phone: '071000' }), opts())).toEqual({
      ok: false,
      reason: 'declined',
      message: 'Invalid phone number',
    });
    expect(
      await completeCheckout(handle.db, accessCode, cardInput(number, { pin: '0000', phone: '0710 000 000' }), opts()),
    ).toMatchObject({ needs: 'otp' });
  });
});

describe('form problems store nothing', () => {
  it('refuses non-test cards, bad expiry and bad CVV without touching the transaction', async () => {
    const { reference, accessCode } = await initialize();
    const cases: CheckoutCardInput[] = [
      { number: '4111111111111111', expiry: '12/30', cvv: '123' },
      { number: '4084084084084081', expiry: '13/30', cvv: '408' },
      { number: '4084084084084081', expiry: '1230', cvv: '408' },
      { number: '4084084084084081', expiry: '12/30', cvv: '40' },
    ];
    for (const card of cases) {
      expect(await completeCheckout(handle.db, accessCode, card, opts())).toMatchObject({ ok: false, reason: 'input' });
    }
    expect((await stored(reference)).status).toBe('abandoned');
    expect(hooks).toHaveLength(0);
  });

  it('knows nothing of unknown access codes', async () => {
    expect(await completeCheckout(handle.db, 'nosuchcode00000', cardInput('4084084084084081'), opts())).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
    expect(await completeCheckout(handle.db, '../../etc', cardInput('4084084084084081'), opts())).toMatchObject({ reason: 'not_found' });
  });
});

describe('cancelCheckout', () => {
  it('goes to metadata.cancel_action, else back to the callback with the reference, else nowhere', async () => {
    const withCancel = await initialize({ metadata: { cancel_action: 'https://malipo.example/pay?policy=1' } });
    expect(await cancelCheckout(handle.db, withCancel.accessCode)).toBe('https://malipo.example/pay?policy=1');
    const plain = await initialize({ metadata: undefined });
    expect(await cancelCheckout(handle.db, plain.accessCode)).toBe(`${CALLBACK}&trxref=${plain.reference}&reference=${plain.reference}`);
    const nowhere = await initialize({ metadata: { cancel_action: 'javascript:alert(1)' }, callback_url: undefined });
    expect(await cancelCheckout(handle.db, nowhere.accessCode)).toBeNull();
    expect(await cancelCheckout(handle.db, 'unknown')).toBeNull();
    expect((await stored(plain.reference)).status).toBe('abandoned');
  });
});

describe('helpers', () => {
  it('callbackRedirectUrl appends trxref and reference with ? or &, before any fragment (§4.3)', () => {
    expect(callbackRedirectUrl('https://a.example/cb', 'R-1')).toBe('https://a.example/cb?trxref=R-1&reference=R-1');
    expect(callbackRedirectUrl('https://a.example/cb?x=1', 'R-1')).toBe('https://a.example/cb?x=1&trxref=R-1&reference=R-1');
    expect(callbackRedirectUrl('https://a.example/cb?', 'R-1')).toBe('https://a.example/cb?trxref=R-1&reference=R-1');
    expect(callbackRedirectUrl('https://a.example/cb#top', 'R=1')).toBe('https://a.example/cb?trxref=R%3D1&reference=R%3D1#top');
  });

  it('parseExpiry reads MM/YY and MM/YYYY', () => {
    expect(parseExpiry('1/30')).toEqual(['01', '2030']);
    expect(parseExpiry(' 12 / 2031 ')).toEqual(['12', '2031']);
    expect(parseExpiry('00/30')).toBeNull();
    expect(parseExpiry('12-30')).toBeNull();
  });

  it('sendPaystackWebhook signs exactly the bytes it posts', async () => {
    const event = { event: 'charge.success', data: { id: 1, reference: 'order_42', amount: 250000, currency: 'KES', status: 'success' } };
    const key = 'sk_test_0000000000000000000000000000000000000000';
    const delivery = await sendPaystackWebhook(`${origin}/hook`, event, key);
    expect(delivery).toEqual({ delivered: true, status: 200 });
    // The known-answer vector of fixtures/sources.md.
    expect(hooks[0]!.headers['x-paystack-signature']).toBe(
      'b2b10c2ecda77c56cf8f606d2da121cba704feacd31972c49910f8d7eec3efadca745f7cdd17981d7a9b5393fdf6075e4cadd31f84da4b83c8c0728c9b3583ed',
    );
    expect(hooks[0]!.headers['x-paystack-signature']).toBe(signPaystackBody(hooks[0]!.raw, key));
  });
});
