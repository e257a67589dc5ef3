import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';

import type { DatabaseHandle } from '@/db/client';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { darajaTimestamp, stkPassword } from '@/lib/gateways/daraja/password';
import { freshDatabase } from '@/tests/db';
import { checkoutRequestId, handleDarajaSandbox, SANDBOX_PASSKEY, type EmulatorDeps } from './emulator';

let handle: DatabaseHandle;
let deps: EmulatorDeps;
let sleeps: number[];

beforeAll(async () => {
  vi.stubEnv('AUTH_SECRET', 'emulator-test-secret');
  vi.stubEnv('MPESA_CONSUMER_KEY', '');
  handle = await freshDatabase();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await handle?.close();
});
beforeEach(() => {
  vi.stubEnv('SANDBOX_DARAJA_QUERY_FLAKE_RATE', '');
  sleeps = [];
  deps = {
    db: handle.db,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
});

const BASE = 'http://localhost:3000/api/sandbox/daraja/';
const ID_RE = /^[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\d{4,7}$/;
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function call(path: string, init: RequestInit = {}, d: EmulatorDeps = deps) {
  const parts = path.split('?')[0]!.split('/');
  return handleDarajaSandbox(new Request(BASE + path, init), parts, d);
}

async function token(d: EmulatorDeps = deps): Promise<string> {
  const res = await call(
    'oauth/v1/generate?grant_type=client_credentials',
    { headers: { Authorization: basic('sandbox-key', 'sandbox-secret') } },
    d,
  );
  return ((await res.json()) as { access_token: string }).access_token;
}

function pushBody(overrides: Record<string, unknown> = {}) {
  const timestamp = darajaTimestamp();
  return {
    BusinessShortCode: 174379,
    Password: stkPassword('174379', SANDBOX_PASSKEY, timestamp),
    Timestamp: timestamp,
    TransactionType: 'CustomerPayBillOnline',
    Amount: 100,
    PartyA: 254708374149,
    PartyB: 174379,
    PhoneNumber: 254708374149,
    CallBackURL: 'https://malipo.example/api/daraja/stk/abc/secret',
    AccountReference: 'POL123',
    TransactionDesc: 'Premium',
    ...overrides,
  };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}, d: EmulatorDeps = deps) {
  return call(
    path,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token(d)}`, 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    d,
  );
}

const push = (body: unknown, headers?: Record<string, string>, d?: EmulatorDeps) =>
  post('mpesa/stkpush/v1/processrequest', body, headers, d);

async function query(checkoutId: string) {
  const timestamp = darajaTimestamp();
  return post('mpesa/stkpushquery/v1/query', {
    BusinessShortCode: '174379',
    Password: stkPassword('174379', SANDBOX_PASSKEY, timestamp),
    Timestamp: timestamp,
    CheckoutRequestID: checkoutId,
  });
}

async function expectError(res: Response, status: number, errorCode: string, errorMessage: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['errorCode', 'errorMessage', 'requestId']);
  expect(body).toMatchObject({ errorCode, errorMessage });
  expect(typeof body.requestId).toBe('string');
}

describe('OAuth (§2)', () => {
  it('issues a 28-character alphanumeric token with expires_in as the string "3599"', async () => {
    const res = await call('oauth/v1/generate?grant_type=client_credentials', {
      headers: { Authorization: basic('sandbox-key', 'sandbox-secret') },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in']);
    expect(body.access_token).toMatch(/^[A-Za-z0-9]{28}$/);
    expect(body.expires_in).toBe('3599');
  });

  it('refuses a wrong grant type with 400.008.02', async () => {
    const res = await call('oauth/v1/generate?grant_type=password', {
      headers: { Authorization: basic('sandbox-key', 'sandbox-secret') },
    });
    await expectError(res, 400, '400.008.02', 'Invalid grant type passed');
  });

  it('answers bad credentials with HTTP 400 and an EMPTY body', async () => {
    const res = await call('oauth/v1/generate?grant_type=client_credentials', {
      headers: { Authorization: basic('sandbox-key', 'wrong') },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('');
  });

  it('accepts a token for about an hour, then answers 404.001.03', async () => {
    const issuedAt = new Date('2026-09-22T10:00:00Z');
    const tok = await token({ ...deps, now: () => issuedAt });
    const at = (ms: number) => ({ ...deps, now: () => new Date(issuedAt.getTime() + ms) });
    const send = (d: EmulatorDeps) =>
      call(
        'mpesa/stkpush/v1/processrequest',
        { method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: '{}' },
        d,
      );
    // Still valid after 59 minutes: the token passes and validation complains about the body.
    await expectError(await send(at(59 * 60_000)), 400, '400.002.02', 'Bad Request - Invalid BusinessShortCode');
    await expectError(await send(at(61 * 60_000)), 404, '404.001.03', 'Invalid Access Token');
  });
});

describe('STK Push (§3)', () => {
  it('rejects a missing or forged token with 404.001.03', async () => {
    const url = 'mpesa/stkpush/v1/processrequest';
    const body = JSON.stringify(pushBody());
    const headers = { 'Content-Type': 'application/json' };
    await expectError(await call(url, { method: 'POST', headers, body }), 404, '404.001.03', 'Invalid Access Token');
    const forged = `Bearer ${'a'.repeat(28)}`;
    const res = await call(url, { method: 'POST', headers: { ...headers, Authorization: forged }, body });
    await expectError(res, 404, '404.001.03', 'Invalid Access Token');
  });

  it('answers a body without JSON Content-Type with the misleading Invalid BusinessShortCode', async () => {
    const res = await push(pushBody(), { 'Content-Type': 'text/plain' });
    await expectError(res, 400, '400.002.02', 'Bad Request - Invalid BusinessShortCode');
  });

  it.each([
    ['BusinessShortCode', { BusinessShortCode: 'abc' }],
    ['Timestamp', { Timestamp: '2021062809240' }],
    ['Password', { Password: undefined }],
    ['TransactionType', { TransactionType: 'CustomerPayBill' }],
    ['Amount', { Amount: 0 }],
    ['Amount', { Amount: 1.5 }],
    ['Amount', { Amount: '250001' }],
    ['Amount', { Amount: undefined }],
    ['PartyA', { PartyA: '0708374149' }],
    ['PartyB', { PartyB: 'x' }],
    ['PhoneNumber', { PhoneNumber: '255708374149' }],
    ['PhoneNumber', { PhoneNumber: 25470837414 }],
    ['CallBackURL', { CallBackURL: 'https://<your-domain>/callback' }],
    ['CallBackURL', { CallBackURL: 'https://malipo.example/a b' }],
    ['CallBackURL', { CallBackURL: '/relative/path' }],
    ['CallBackURL', { CallBackURL: 'ftp://malipo.example/x' }],
    ['AccountReference', { AccountReference: '' }],
    ['Remarks', { TransactionDesc: undefined }],
  ])('rejects a bad %s with 400.002.02', async (field, overrides) => {
    const res = await push(pushBody(overrides));
    await expectError(res, 400, '400.002.02', `Bad Request - Invalid ${field}`);
  });

  it('answers 500.001.1001 "Wrong credentials" when Password does not match', async () => {
    const res = await push(pushBody({ Password: stkPassword('174379', SANDBOX_PASSKEY, '20210628092408') }));
    await expectError(res, 500, '500.001.1001', 'Wrong credentials');
  });

  it('answers 500.001.1001 "Merchant does not exist" for another shortcode', async () => {
    const res = await push(pushBody({ BusinessShortCode: 600000 }));
    await expectError(res, 500, '500.001.1001', 'Merchant does not exist');
  });

  it("accepts Safaricom's documented example verbatim (§3.1, string types, worked Password of §3.2)", async () => {
    const example = {
      BusinessShortCode: 174379,
      Password:
        'MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjEwNjI4MDkyNDA4',
      Timestamp: '20210628092408',
      TransactionType: 'CustomerPayBillOnline',
      Amount: '1',
      PartyA: '254722000000',
      PartyB: '174379',
      PhoneNumber: '254722111111',
      CallBackURL: 'https://mydomain.com/path',
      AccountReference: 'accountref',
      TransactionDesc: 'txndesc',
    };
    expect(stkPassword('174379', SANDBOX_PASSKEY, '20210628092408')).toBe(example.Password);
    const res = await push(example);
    expect(res.status).toBe(200);
    const ack = (await res.json()) as { CheckoutRequestID: string };
    expect(ack.CheckoutRequestID).toMatch(/^ws_CO_\d{15,17}722111111$/);
    const [row] = await handle.db
      .select()
      .from(sandboxStkPrompts)
      .where(eq(sandboxStkPrompts.checkoutRequestId, ack.CheckoutRequestID));
    expect(row).toMatchObject({ phone: '254722111111', amountKes: 1, shortcode: '174379', resultCode: null });
  });

  it('acks exactly as §3.5 with current-format ids, and stores the prompt', async () => {
    const now = new Date('2026-09-22T10:33:36.048Z'); // 13:33:36 in Nairobi
    const res = await push(pushBody({ Amount: '1234' }), {}, { ...deps, now: () => now });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const ack = (await res.json()) as Record<string, string>;
    expect(Object.keys(ack)).toEqual([
      'MerchantRequestID',
      'CheckoutRequestID',
      'ResponseCode',
      'ResponseDescription',
      'CustomerMessage',
    ]);
    expect(ack.MerchantRequestID).toMatch(ID_RE);
    // ms are not zero-padded: 48, not 048 (docs/daraja.md §6.4).
    expect(ack.CheckoutRequestID).toBe('ws_CO_2209202613333648708374149');
    expect(ack).toMatchObject({
      ResponseCode: '0',
      ResponseDescription: 'Success. Request accepted for processing',
      CustomerMessage: 'Success. Request accepted for processing',
    });
    const [row] = await handle.db
      .select()
      .from(sandboxStkPrompts)
      .where(eq(sandboxStkPrompts.checkoutRequestId, ack.CheckoutRequestID!));
    expect(row).toMatchObject({
      merchantRequestId: ack.MerchantRequestID,
      amountKes: 1234,
      accountReference: 'POL123',
      callbackUrl: 'https://malipo.example/api/daraja/stk/abc/secret',
    });
  });

  it('gives two identical pushes in the same millisecond two prompts (no idempotency, §3.5)', async () => {
    const now = new Date('2026-09-22T11:00:00.007Z');
    const d = { ...deps, now: () => now };
    const a = (await (await push(pushBody(), {}, d)).json()) as Record<string, string>;
    const b = (await (await push(pushBody(), {}, d)).json()) as Record<string, string>;
    expect(a.CheckoutRequestID).not.toBe(b.CheckoutRequestID);
    expect(b.CheckoutRequestID).toMatch(/^ws_CO_22092026140000\d{1,3}708374149$/);
  });

  it.each([
    ['254700000500', '500.003.1001', 'Internal Server Error'],
    ['254700000429', '500.003.02', 'Error Occurred: Spike Arrest Violation'],
    [
      '254700000423',
      '500.001.1001',
      'Unable to lock subscriber, a transaction is already in process for the current subscriber',
    ],
  ])('fault number %s answers HTTP 500 %s and creates no prompt', async (phone, code, message) => {
    const res = await push(pushBody({ PartyA: phone, PhoneNumber: phone }));
    await expectError(res, 500, code, message);
    const rows = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.phone, phone));
    expect(rows).toHaveLength(0);
  });

  it('fault number 254700000408 creates the prompt but acks only after 20 s', async () => {
    const res = await push(pushBody({ PartyA: '254700000408', PhoneNumber: '254700000408' }));
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([20_000]);
    const rows = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.phone, '254700000408'));
    expect(rows).toHaveLength(1);
  });

  it('builds CheckoutRequestID from Nairobi time', () => {
    expect(checkoutRequestId(new Date('2026-05-25T13:33:36.483Z'), '254708374149')).toBe(
      'ws_CO_25052026163336483708374149',
    );
  });
});

describe('STK Query (§5)', () => {
  async function newPrompt() {
    const ack = (await (await push(pushBody())).json()) as { CheckoutRequestID: string; MerchantRequestID: string };
    return ack;
  }

  it('answers an unknown CheckoutRequestID with 500 "The transaction does not Exist"', async () => {
    await expectError(await query('ws_CO_000000'), 500, '500.001.1001', 'The transaction does not Exist');
  });

  it('answers 4999 while the prompt is unanswered', async () => {
    const ack = await newPrompt();
    const res = await query(ack.CheckoutRequestID);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"ResultCode":"4999","ResultDesc":"The transaction is still under processing"}');
  });

  it('answers the final shape with a string ResultCode and the "successsfully" typo', async () => {
    const ack = await newPrompt();
    await handle.db
      .update(sandboxStkPrompts)
      .set({ resultCode: '0', resultDesc: 'The service request is processed successfully.', answeredAt: new Date() })
      .where(eq(sandboxStkPrompts.checkoutRequestId, ack.CheckoutRequestID));
    const res = await query(ack.CheckoutRequestID);
    expect(res.status).toBe(200);
    expect(await res.json()).toStrictEqual({
      ResponseCode: '0',
      ResponseDescription: 'The service request has been accepted successsfully',
      MerchantRequestID: ack.MerchantRequestID,
      CheckoutRequestID: ack.CheckoutRequestID,
      ResultCode: '0',
      ResultDesc: 'The service request is processed successfully.',
    });
  });

  it('words 1037 as the query does, not as the callback did', async () => {
    const ack = await newPrompt();
    await handle.db
      .update(sandboxStkPrompts)
      .set({ resultCode: '1037', resultDesc: 'No response from user.', answeredAt: new Date() })
      .where(eq(sandboxStkPrompts.checkoutRequestId, ack.CheckoutRequestID));
    const body = (await (await query(ack.CheckoutRequestID)).json()) as Record<string, string>;
    expect(body).toMatchObject({ ResultCode: '1037', ResultDesc: 'DS timeout user cannot be reached.' });
  });

  it('flakes with 500 "The transaction is being processed" at SANDBOX_DARAJA_QUERY_FLAKE_RATE', async () => {
    const ack = await newPrompt();
    vi.stubEnv('SANDBOX_DARAJA_QUERY_FLAKE_RATE', '1');
    await expectError(await query(ack.CheckoutRequestID), 500, '500.001.1001', 'The transaction is being processed');
    vi.stubEnv('SANDBOX_DARAJA_QUERY_FLAKE_RATE', 'nonsense'); // invalid → 0
    expect((await query(ack.CheckoutRequestID)).status).toBe(200);
  });

  it('validates the query body like the push', async () => {
    const res = await post('mpesa/stkpushquery/v1/query', { BusinessShortCode: '174379' });
    await expectError(res, 400, '400.002.02', 'Bad Request - Invalid Password');
  });
});

describe('routing', () => {
  it('answers an unknown path with 404.001.01', async () => {
    await expectError(await call('mpesa/unknown/v1/thing'), 404, '404.001.01', 'Resource not found');
  });

  it('answers a wrong method with 405.001', async () => {
    await expectError(await call('mpesa/stkpush/v1/processrequest'), 405, '405.001', 'Method Not Allowed');
    const res = await call('oauth/v1/generate?grant_type=client_credentials', { method: 'POST' });
    await expectError(res, 405, '405.001', 'Method Not Allowed');
  });
});
