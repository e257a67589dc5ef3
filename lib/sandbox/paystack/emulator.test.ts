/**
 * The Paystack emulator against Paystack's real bodies (fixtures/paystack): same keys and value
 * types, the documented errors, and the webhooks it sends afterwards (signed, in order). The last
 * block runs our real client (paystack-sdk + dispatcher) against the emulator over real HTTP.
 */
import fs from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { DatabaseHandle } from '@/db/client';
import { sandboxPaystackRefunds, sandboxPaystackTransactions } from '@/db/sandbox-schema';
import { createPaystackClient } from '@/lib/gateways/paystack/client';
import { parsePaystackWebhook, transactionResponseSchema } from '@/lib/gateways/paystack/schemas';
import { verifyPaystackSignature } from '@/lib/gateways/paystack/signature';
import { freshDatabase } from '@/tests/db';
import { completeCheckout } from './checkout';
import { handlePaystackSandbox, type PaystackEmulatorDeps } from './emulator';

const FIXTURE_DIRS = [path.join(process.cwd(), 'tests', 'fixtures', 'paystack'), '/work/shared/fixtures/paystack'];
const FIXTURES = FIXTURE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'verify.success.json'))) ?? '';
if (!FIXTURES) throw new Error(`Paystack fixtures not found in ${FIXTURE_DIRS.join(' or ')}`);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const fixtureData = (name: string) => fixture(name).data as Record<string, unknown>;

const SECRET = 'sk_test_emulatortest000000000000000000000000';
const EMAIL = 'holder@example.com';
const CARD = { number: '4084 0840 8408 4081', expiry: '12/30', cvv: '408' };

// ---------------------------------------------------------------------------------------------
// The app side: a real HTTP server that records webhooks (and, for the last block, serves the emulator)

type Hook = { path: string; headers: IncomingHttpHeaders; raw: string };

let handle: DatabaseHandle;
let server: Server;
let origin: string;
let hooks: Hook[];
let tasks: Promise<unknown>[];
let deps: PaystackEmulatorDeps;

beforeAll(async () => {
  handle = await freshDatabase();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://app');
        if (url.pathname.startsWith('/api/sandbox/paystack/')) {
          const response = await handlePaystackSandbox(
            new Request(url.toString().replace('http://app', origin), {
              method: req.method,
              headers: req.headers as Record<string, string>,
              body: req.method === 'GET' ? undefined : body,
            }),
            url.pathname.split('/').slice(4),
            deps,
          );
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
          return;
        }
        hooks.push({ path: url.pathname, headers: req.headers, raw: body.toString('utf8') });
        res.writeHead(200).end();
      })();
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
  tasks = [];
  deps = {
    db: handle.db,
    secretKey: SECRET,
    appOrigin: origin,
    background: (task) => tasks.push(task),
    refundSettleDelayMs: 0,
  };
});

/** Waits for everything the emulator does after answering (webhooks, refund processing). */
async function settle() {
  while (tasks.length > 0) await Promise.all(tasks.splice(0));
}

async function call(method: 'GET' | 'POST', route: string, body?: unknown, key: string | null = SECRET) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  const request = new Request(`${origin}/api/sandbox/paystack/${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await handlePaystackSandbox(request, route.split('?')[0]!.split('/'), deps);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

let counter = 0;
const newReference = () => `MLP-test-${Date.now()}-${++counter}`;

async function initialize(overrides: Record<string, unknown> = {}) {
  const reference = newReference();
  const res = await call('POST', 'transaction/initialize', {
    email: EMAIL,
    amount: 123456,
    currency: 'KES',
    reference,
    callback_url: 'https://malipo.example/pay/card/callback',
    metadata: { paymentId: 'pay-1', cancel_action: 'https://malipo.example/pay' },
    channels: ['card'],
    ...overrides,
  });
  expect(res.status).toBe(200);
  return { reference, accessCode: res.body.data.access_code as string, body: res.body };
}

async function paidTransaction(card = CARD, amount = 123456) {
  const init = await initialize({ amount });
  const result = await completeCheckout(handle.db, init.accessCode, card, { secretKey: SECRET, appOrigin: origin });
  expect(result.ok).toBe(true);
  hooks = [];
  return init;
}

/** The JSON "type" of a value: arrays and null apart from objects. */
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Keys whose type legitimately varies on the wire: metadata is object | "" | 0 | null (docs/paystack.md §5). */
const POLYMORPHIC = new Set(['metadata']);

/** Same keys as the fixture, and the same value types wherever both sides are non-null. */
function expectSameShape(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const key of Object.keys(expected)) {
    if (actual[key] === null || expected[key] === null || POLYMORPHIC.has(key)) continue;
    expect({ key, type: kind(actual[key]) }).toEqual({ key, type: kind(expected[key]) });
  }
}

// ---------------------------------------------------------------------------------------------

describe('authentication (§1)', () => {
  it.each([
    ['POST', 'transaction/initialize'],
    ['GET', 'transaction/verify/anything'],
    ['GET', 'transaction'],
    ['GET', 'transaction/1'],
    ['POST', 'transaction/charge_authorization'],
    ['POST', 'refund'],
    ['GET', 'refund'],
  ] as const)('%s %s without the secret key is 401 "Invalid key"', async (method, route) => {
    for (const key of [null, 'sk_test_wrong', `${SECRET}x`]) {
      const res = await call(method, route, method === 'POST' ? {} : undefined, key);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(fixture('error.invalid-key.401.json'));
    }
  });
});

describe('POST transaction/initialize (§3)', () => {
  it('answers like initialize.success.json with a checkout URL on the app', async () => {
    const { body, reference } = await initialize();
    expectSameShape(body, fixture('initialize.success.json'));
    expectSameShape(body.data, fixtureData('initialize.success.json'));
    expect(body.message).toBe('Authorization URL created');
    expect(body.data.reference).toBe(reference);
    expect(body.data.access_code).toMatch(/^[a-z0-9]{15}$/);
    expect(body.data.authorization_url).toBe(`${origin}/sandbox/paystack/checkout/${body.data.access_code}`);
  });

  it('generates a reference when none is sent, and accepts the amount as an integer string', async () => {
    const res = await call('POST', 'transaction/initialize', { email: EMAIL, amount: '5000' });
    expect(res.status).toBe(200);
    expect(res.body.data.reference).toMatch(/^[a-z0-9]{10}$/);
  });

  it('refuses a reused reference with duplicate_reference, exactly as Paystack', async () => {
    const { reference } = await initialize();
    const res = await call('POST', 'transaction/initialize', { email: EMAIL, amount: 5000, reference });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(fixture('error.duplicate-reference.400.json'));
  });

  it.each([12.5, '12.50', 0, -500, 299, 'abc', null])('refuses amount %s with invalid_amount', async (amount) => {
    const res = await call('POST', 'transaction/initialize', { email: EMAIL, amount, reference: newReference() });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(fixture('error.invalid-amount.400.json'));
  });

  it('accepts the KES minimum of 300 cents (§1)', async () => {
    expect((await call('POST', 'transaction/initialize', { email: EMAIL, amount: 300 })).status).toBe(200);
  });

  it('refuses a missing email with missing_params, and a malformed one', async () => {
    const missing = await call('POST', 'transaction/initialize', { amount: 5000 });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(fixture('error.missing-params.400.json'));
    const bad = await call('POST', 'transaction/initialize', { email: 'not-an-email', amount: 5000 });
    expect(bad).toMatchObject({ status: 400, body: { status: false, message: 'Invalid Email Address Passed' } });
  });

  it('refuses references outside [A-Za-z0-9.=-] and currencies other than KES', async () => {
    for (const reference of ['has_underscore', 'has space', 'a/b']) {
      const res = await call('POST', 'transaction/initialize', { email: EMAIL, amount: 5000, reference });
      expect(res).toMatchObject({ status: 400, body: { status: false, message: 'Invalid character in transaction reference' } });
    }
    const usd = await call('POST', 'transaction/initialize', { email: EMAIL, amount: 5000, currency: 'NGN' });
    expect(usd).toMatchObject({ status: 400, body: { status: false, message: 'Currency not supported by merchant' } });
  });
});

describe('GET transaction/verify/:reference (§5)', () => {
  it('answers an unknown reference with 400 "Transaction reference not found"', async () => {
    const res = await call('GET', 'transaction/verify/never-issued');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(fixture('error.reference-not-found.400.json'));
  });

  it('treats an empty reference as /transaction/:id, like Paystack (§13.1)', async () => {
    const res = await call('GET', 'transaction/verify/');
    expect(res).toMatchObject({ status: 400, body: { status: false, message: 'Transaction ID should be numeric.' } });
  });

  it('says abandoned (authorization {}) right after initialize, then success after the checkout', async () => {
    const { reference, accessCode } = await initialize();
    const before = await call('GET', `transaction/verify/${reference}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: true, message: 'Verification successful' });
    expectSameShape(before.body.data, fixtureData('verify.success.json'));
    expect(before.body.data).toMatchObject({
      status: 'abandoned',
      reference,
      amount: 123456,
      requested_amount: 123456,
      currency: 'KES',
      domain: 'test',
      gateway_response: 'The transaction was not completed',
      paid_at: null,
      authorization: {},
      metadata: { paymentId: 'pay-1', cancel_action: 'https://malipo.example/pay' },
    });
    expect(before.body.data.id).toBeGreaterThan(2 ** 31);
    expect(transactionResponseSchema.safeParse(before.body).success).toBe(true);

    const paid = await completeCheckout(handle.db, accessCode, CARD, { secretKey: SECRET, appOrigin: origin });
    expect(paid.ok).toBe(true);
    const after = await call('GET', `transaction/verify/${reference}`);
    expectSameShape(after.body.data, fixtureData('verify.success.json'));
    expectSameShape(after.body.data.authorization, {
      ...(fixtureData('verify.success.json').authorization as Record<string, unknown>),
      receiver_bank_account_number: null,
      receiver_bank: null,
    });
    expect(after.body.data).toMatchObject({ status: 'success', gateway_response: 'Successful', channel: 'card', plan: null });
    expect(after.body.data.paid_at).toEqual(after.body.data.paidAt);
    expect(after.body.data.fees).toBe(3580); // 2.9 % of 123456, rounded
    expect(after.body.data.authorization).toMatchObject({ last4: '4081', bin: '408408', reusable: true, card_type: 'visa ' });
  });

  it('returns metadata "" when none was sent (§5)', async () => {
    const reference = newReference();
    await call('POST', 'transaction/initialize', { email: EMAIL, amount: 5000, reference });
    expect((await call('GET', `transaction/verify/${reference}`)).body.data.metadata).toBe('');
  });
});

describe('GET transaction/:id and GET transaction (§6, §7)', () => {
  it('fetches by numeric id in the shape of fetch.success.json', async () => {
    const { reference } = await paidTransaction();
    const id = (await call('GET', `transaction/verify/${reference}`)).body.data.id as number;
    const res = await call('GET', `transaction/${id}`);
    expect(res.body.message).toBe('Transaction retrieved');
    expectSameShape(res.body.data, fixtureData('fetch.success.json'));
    expect(res.body.data.reference).toBe(reference);
    expect(res.body.data.source).toEqual({ type: 'api', source: 'merchant_api', identifier: null });
  });

  it('refuses a non-numeric id and 404s an unknown one', async () => {
    expect(await call('GET', 'transaction/abc')).toMatchObject({ status: 400, body: { message: 'Transaction ID should be numeric.' } });
    expect((await call('GET', 'transaction/999')).status).toBe(404);
  });

  it('lists newest first with offset meta', async () => {
    await initialize();
    await initialize();
    const res = await call('GET', 'transaction?perPage=2&page=1');
    expect(res.body.message).toBe('Transactions retrieved');
    expect(res.body.data).toHaveLength(2);
    const listItem = (fixture('list.success.cursor-meta.json').data as Record<string, unknown>[])[0]!;
    expectSameShape(res.body.data[0], listItem);
    expect(res.body.meta).toMatchObject({ skipped: 0, perPage: 2, page: 1 });
    expect(res.body.meta.total).toBeGreaterThanOrEqual(2);
    expect(res.body.meta.pageCount).toBe(Math.ceil(res.body.meta.total / 2));
    const ids = res.body.data.map((t: { id: number }) => t.id);
    expect(ids[0]).toBeGreaterThan(ids[1]);

    const page2 = await call('GET', 'transaction?perPage=2&page=2');
    expect(page2.body.meta).toMatchObject({ skipped: 2, page: 2 });
    const abandoned = await call('GET', 'transaction?status=abandoned&perPage=1000');
    expect(abandoned.body.data.every((t: { status: string }) => t.status === 'abandoned')).toBe(true);
  });
});

describe('POST transaction/charge_authorization (§8)', () => {
  async function savedCard() {
    const { reference } = await paidTransaction();
    const verified = await call('GET', `transaction/verify/${reference}`);
    return verified.body.data.authorization.authorization_code as string;
  }

  it('charges a reusable authorization, answers like charge-authorization.success.json and sends charge.success', async () => {
    const code = await savedCard();
    const reference = newReference();
    const res = await call('POST', 'transaction/charge_authorization', {
      email: EMAIL,
      amount: 50000,
      authorization_code: code,
      reference,
      currency: 'KES',
      metadata: { renewal: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Charge attempted');
    expectSameShape(res.body.data, fixtureData('charge-authorization.success.json'));
    expect(res.body.data).toMatchObject({ status: 'success', reference, amount: 50000, currency: 'KES', metadata: { renewal: true } });
    expect(res.body.data.authorization.authorization_code).toBe(code);

    await settle();
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.path).toBe('/api/v1/payments/paystack/webhook');
    expect(verifyPaystackSignature(hooks[0]!.raw, String(hooks[0]!.headers['x-paystack-signature']), SECRET)).toBe(true);
    const hook = parsePaystackWebhook(hooks[0]!.raw);
    expect(hook).toMatchObject({ kind: 'charge.success', data: { reference, amount: 50000, currency: 'KES' } });

    expect((await call('GET', `transaction/verify/${reference}`)).body.data.status).toBe('success');
  });

  it('refuses unknown codes, another email, non-reusable (failed) authorizations and reused references', async () => {
    const code = await savedCard();
    const base = { email: EMAIL, amount: 5000, authorization_code: code };
    expect(await call('POST', 'transaction/charge_authorization', { ...base, authorization_code: 'AUTH_nope' })).toMatchObject({
      status: 400,
      body: { status: false, message: 'Invalid Authorization Code' },
    });
    expect((await call('POST', 'transaction/charge_authorization', { ...base, email: 'other@example.com' })).status).toBe(400);

    const declined = await initialize();
    await completeCheckout(handle.db, declined.accessCode, { number: '4084080000005408', expiry: '12/30', cvv: '001' }, {
      secretKey: SECRET,
      appOrigin: origin,
    });
    const failedAuth = (await call('GET', `transaction/verify/${declined.reference}`)).body.data.authorization;
    expect(failedAuth.reusable).toBe(false);
    expect(
      await call('POST', 'transaction/charge_authorization', { ...base, authorization_code: failedAuth.authorization_code }),
    ).toMatchObject({ status: 400, body: { message: 'Invalid Authorization Code' } });

    const reference = newReference();
    expect((await call('POST', 'transaction/charge_authorization', { ...base, reference })).status).toBe(200);
    const again = await call('POST', 'transaction/charge_authorization', { ...base, reference });
    expect(again.body).toEqual(fixture('error.duplicate-reference.400.json'));
    expect((await call('POST', 'transaction/charge_authorization', { ...base, amount: 10.5 })).body.code).toBe('invalid_amount');
  });
});

describe('refunds (§9)', () => {
  it('queues a refund like refund.create.success.json, then sends refund.pending → refund.processed', async () => {
    const { reference } = await paidTransaction();
    const res = await call('POST', 'refund', { transaction: reference, amount: 123456, merchant_note: 'Paid twice' });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Refund has been queued for processing');
    expectSameShape(res.body.data, fixtureData('refund.create.success.json'));
    expectSameShape(
      res.body.data.transaction,
      fixtureData('refund.create.success.json').transaction as Record<string, unknown>,
    );
    expect(res.body.data).toMatchObject({ status: 'pending', amount: 123456, currency: 'KES', merchant_note: 'Paid twice' });
    expect(res.body.data.transaction.reference).toBe(reference);

    await settle();
    expect(hooks.map((h) => JSON.parse(h.raw).event)).toEqual(['refund.pending', 'refund.processed']);
    for (const hook of hooks) {
      expect(verifyPaystackSignature(hook.raw, String(hook.headers['x-paystack-signature']), SECRET)).toBe(true);
    }
    const [pending, processed] = hooks.map((h) => JSON.parse(h.raw) as { data: Record<string, unknown> });
    expectSameShape(pending!.data, fixtureData('webhook.refund.pending.json'));
    expectSameShape(processed!.data, fixtureData('webhook.refund.processed.json'));
    expect(pending!.data).toMatchObject({ status: 'pending', transaction_reference: reference, amount: '123456', refund_reference: null });
    expect(processed!.data).toMatchObject({ status: 'processed', transaction_reference: reference, amount: '123456' });
    expect(parsePaystackWebhook(hooks[1]!.raw)).toMatchObject({ kind: 'refund', event: 'refund.processed', data: { amount: 123456 } });

    const fetched = await call('GET', `refund/${res.body.data.id}`);
    expect(fetched.body.message).toBe('Refund retrieved');
    expectSameShape(fetched.body.data, fixtureData('refund.fetch.processed.json'));
    expect(fetched.body.data).toMatchObject({ status: 'processed', deducted_amount: 123456, fully_deducted: true });
    // A fully refunded payment reads `reversed` (docs/paystack.md §9.2).
    expect((await call('GET', `transaction/verify/${reference}`)).body.data.status).toBe('reversed');
  });

  it('never refunds more than was paid minus what is already refunded', async () => {
    const { reference } = await paidTransaction(CARD, 10000);
    const id = (await call('GET', `transaction/verify/${reference}`)).body.data.id as number;
    expect((await call('POST', 'refund', { transaction: reference, amount: 10001 })).status).toBe(400);
    expect((await call('POST', 'refund', { transaction: reference, amount: 6000 })).status).toBe(200);
    const tooMuch = await call('POST', 'refund', { transaction: String(id), amount: 4001 });
    expect(tooMuch).toMatchObject({ status: 400, body: { status: false, code: 'invalid_amount' } });
    // By id this time; omitting the amount refunds what is left.
    const rest = await call('POST', 'refund', { transaction: id });
    expect(rest).toMatchObject({ status: 200, body: { data: { amount: 4000 } } });
    expect((await call('POST', 'refund', { transaction: reference, amount: 1 })).status).toBe(400);
    expect((await call('POST', 'refund', { transaction: reference, amount: 1.5 })).body.code).toBe('invalid_amount');
    await settle();
    const rows = await handle.db.select().from(sandboxPaystackRefunds).where(eq(sandboxPaystackRefunds.transactionReference, reference));
    expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(10000);
  });

  it('refuses refunds of unpaid or unknown transactions', async () => {
    const { reference } = await initialize();
    expect((await call('POST', 'refund', { transaction: reference })).status).toBe(400);
    expect((await call('POST', 'refund', { transaction: 'no-such-ref' })).status).toBe(404);
    expect((await call('POST', 'refund', {})).status).toBe(400);
  });

  it('follows the refund test cards: 1803 → refund.failed, 1902 → refund.needs-attention (§11)', async () => {
    const failing = await paidTransaction({ number: '4084080000671803', expiry: '12/30', cvv: '180' }, 5000);
    await call('POST', 'refund', { transaction: failing.reference });
    await settle();
    const failed = hooks.map((h) => JSON.parse(h.raw) as { event: string; data: Record<string, unknown> });
    expect(failed.map((h) => h.event)).toEqual(['refund.pending', 'refund.failed']);
    expectSameShape(failed[1]!.data, fixtureData('webhook.refund.failed.json'));
    expect(failed[1]!.data.amount).toBe(5000); // a number in refund.failed (docs/paystack.md §9.5)
    // A failed refund credits the balance back: the payment stays `success` and can be refunded again.
    expect((await call('GET', `transaction/verify/${failing.reference}`)).body.data.status).toBe('success');
    expect((await call('POST', 'refund', { transaction: failing.reference, amount: 5000 })).status).toBe(200);
    await settle();

    hooks = [];
    const attention = await paidTransaction({ number: '4084080000671902', expiry: '12/30', cvv: '190' }, 5000);
    await call('POST', 'refund', { transaction: attention.reference, customer_note: 'Sorry' });
    await settle();
    const events = hooks.map((h) => JSON.parse(h.raw) as { event: string; data: Record<string, unknown> });
    expect(events.map((h) => h.event)).toEqual(['refund.pending', 'refund.needs-attention']);
    expectSameShape(events[1]!.data, fixtureData('webhook.refund.needs-attention.json'));
    expect(events[1]!.data).toMatchObject({ customer_note: 'Sorry', amount: 5000 });
    const [row] = await handle.db
      .select()
      .from(sandboxPaystackRefunds)
      .where(eq(sandboxPaystackRefunds.transactionReference, attention.reference));
    expect(events[1]!.data.id).toBe(String(row!.id));
  });

  it('lists refunds with offset meta, filtered by transaction id', async () => {
    const { reference } = await paidTransaction(CARD, 7000);
    await call('POST', 'refund', { transaction: reference, amount: 700 });
    await settle();
    const id = (await call('GET', `transaction/verify/${reference}`)).body.data.id as number;
    const res = await call('GET', `refund?transaction=${id}&currency=KES`);
    expect(res.body.message).toBe('Refunds retrieved');
    expect(res.body.data).toHaveLength(1);
    expectSameShape(res.body.data[0], (fixture('refund.list.success.json').data as Record<string, unknown>[])[0]!);
    expect(res.body.data[0]).toMatchObject({ transaction: id, amount: 700 });
    expect(res.body.meta).toEqual({ total: 1, skipped: 0, perPage: 50, page: 1, pageCount: 1 });
    expect((await call('GET', 'refund/abc')).status).toBe(400);
    expect((await call('GET', 'refund/99999')).status).toBe(404);
  });
});

describe('our client (paystack-sdk via the dispatcher) against the emulator over real HTTP', () => {
  it('initializes, verifies abandoned → success, charges the saved card and refunds', async () => {
    const client = createPaystackClient({
      secretKey: SECRET,
      publicKey: null,
      apiUrl: `${origin}/api/sandbox/paystack`,
      sandbox: true,
    });
    const reference = newReference();
    const init = await client.initializeTransaction({
      email: EMAIL,
      amountMinor: 250000,
      reference,
      callbackUrl: 'https://malipo.example/pay/card/callback',
      metadata: { paymentId: 'pay-42' },
      channels: ['card'],
    });
    expect(init).toMatchObject({ ok: true, reference });
    if (!init.ok) return;
    expect(init.authorizationUrl).toBe(`${origin}/sandbox/paystack/checkout/${init.accessCode}`);

    const abandoned = await client.verifyTransaction(reference);
    expect(abandoned).toMatchObject({ ok: true, tx: { status: 'abandoned', amount: 250000, currency: 'KES', metadata: { paymentId: 'pay-42' } } });
    expect(await client.verifyTransaction('never-issued')).toMatchObject({ ok: false, notFound: true, httpStatus: 400 });

    const duplicate = await client.initializeTransaction({
      email: EMAIL,
      amountMinor: 250000,
      reference,
      callbackUrl: 'https://malipo.example/pay/card/callback',
    });
    expect(duplicate).toMatchObject({ ok: false, code: 'duplicate_reference' });

    await completeCheckout(handle.db, init.accessCode, CARD, { secretKey: SECRET, appOrigin: origin });
    const paid = await client.verifyTransaction(reference);
    expect(paid).toMatchObject({ ok: true, tx: { status: 'success', amount: 250000 } });
    if (!paid.ok) return;
    const code = paid.tx.authorization.authorization_code!;

    const renewal = newReference();
    const charge = await client.chargeAuthorization({ email: EMAIL, amountMinor: 100000, authorizationCode: code, reference: renewal });
    expect(charge).toMatchObject({ outcome: 'success', tx: { reference: renewal, amount: 100000 } });
    const badCode = await client.chargeAuthorization({ email: EMAIL, amountMinor: 100000, authorizationCode: 'AUTH_nope', reference: newReference() });
    expect(badCode).toMatchObject({ outcome: 'error', httpStatus: 400, uncertain: false, message: 'Invalid Authorization Code' });

    const refund = await client.createRefund({ reference, amountMinor: 50000, merchantNote: 'Overpaid' });
    expect(refund).toMatchObject({ ok: true, refund: { status: 'pending', amount: 50000, transactionReference: reference } });
    const tooMuch = await client.createRefund({ reference, amountMinor: 200001 });
    expect(tooMuch).toMatchObject({ ok: false, httpStatus: 400, code: 'invalid_amount' });
    await settle();

    const [row] = await handle.db.select().from(sandboxPaystackTransactions).where(eq(sandboxPaystackTransactions.reference, reference));
    expect(row!.status).toBe('success'); // partially refunded: still success
  });
});
