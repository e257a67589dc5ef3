/**
 * The client against a real HTTP server on 127.0.0.1 playing Paystack: the paystack-sdk package
 * really sends its requests to https://api.paystack.co, and the undici dispatcher installed by the
 * client reroutes them here (docs/paystack.md §12.5). This sandbox has no route to api.paystack.co,
 * so a request that escaped the rerouting would fail the test instead of reaching Paystack.
 */
import fs from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createPaystackClient, type PaystackClient } from './client';
import type { PaystackConfig } from './config';
import { installPaystackDispatcher, paystackRerouteTarget } from './dispatcher';

const FIXTURE_DIRS = [path.join(process.cwd(), 'tests', 'fixtures', 'paystack'), '/work/shared/fixtures/paystack'];
const FIXTURES = FIXTURE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'verify.success.json'))) ?? '';
if (!FIXTURES) throw new Error(`Paystack fixtures not found in ${FIXTURE_DIRS.join(' or ')}`);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// A scriptable fake Paystack

type Received = { method: string; path: string; headers: IncomingHttpHeaders; text: string; json: unknown };
type Reply = { status: number; json: unknown } | { status: number; raw: string; contentType?: string } | { hang: true };

const SECRET = 'sk_test_clienttest0000000000000000000000000000';
const BASE_PATH = '/paystack-mock';

class FakePaystack {
  readonly requests: Received[] = [];
  reply: (request: Received) => Reply = () => ({ status: 404, json: { status: false, message: 'no reply scripted' } });
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, text, json };
        this.requests.push(request);
        // docs/paystack.md §1: every call needs the secret key.
        const reply: Reply =
          req.headers.authorization === `Bearer ${SECRET}`
            ? this.reply(request)
            : { status: 401, json: fixture('error.invalid-key.401.json') };
        if ('hang' in reply) return;
        if ('json' in reply) {
          res.writeHead(reply.status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(reply.json));
        } else {
          res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'text/html' });
          res.end(reply.raw);
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let fake: FakePaystack;
let config: PaystackConfig;
let client: PaystackClient;

beforeAll(async () => {
  fake = new FakePaystack();
  await fake.start();
  config = { secretKey: SECRET, publicKey: null, apiUrl: fake.url + BASE_PATH, sandbox: false };
  client = createPaystackClient(config, { timeoutMs: 3_000 });
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const json = (status: number, body: unknown): Reply => ({ status, json: body });

// ---------------------------------------------------------------------------------------------

describe('routing the SDK (dispatcher)', () => {
  it('sends the SDK’s api.paystack.co traffic to the configured origin + path prefix', async () => {
    fake.reply = () => json(200, fixture('initialize.success.json'));
    const result = await client.initializeTransaction({
      email: 'holder@example.com',
      amountMinor: 250000,
      reference: 'MLP-20250211-0001',
      callbackUrl: 'https://malipo.example/pay/card/callback',
    });
    expect(result.ok).toBe(true);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.path).toBe(`${BASE_PATH}/transaction/initialize`);
    expect(fake.requests[0]!.headers.host).toBe(new URL(fake.url).host);
    expect(paystackRerouteTarget()).toBe(fake.url + BASE_PATH);
  });

  it('keeps the query string and leaves other hosts alone', async () => {
    fake.reply = () => json(200, { status: true, message: 'Transactions retrieved', data: [] });
    const viaPaystack = await fetch('https://api.paystack.co/transaction?perPage=5&page=2', {
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    expect(viaPaystack.status).toBe(200);
    expect(fake.requests.at(-1)!.path).toBe(`${BASE_PATH}/transaction?perPage=5&page=2`);

    // Another host goes where it was addressed, with no prefix added.
    const direct = await fetch(`${fake.url}/elsewhere`, { headers: { Authorization: `Bearer ${SECRET}` } });
    await direct.body?.cancel();
    expect(fake.requests.at(-1)!.path).toBe('/elsewhere');
  });

  it('is a no-op for the real Paystack URL', () => {
    installPaystackDispatcher('https://api.paystack.co');
    expect(paystackRerouteTarget()).toBe(fake.url + BASE_PATH);
  });
});

describe('initializeTransaction', () => {
  it('sends Bearer auth, JSON with the amount in integer subunits and currency KES', async () => {
    fake.reply = () => json(200, fixture('initialize.success.json'));
    const result = await client.initializeTransaction({
      email: 'holder@example.com',
      amountMinor: 123456,
      reference: 'MLP-abc.1=2',
      callbackUrl: 'https://malipo.example/pay/card/callback?p=1',
      metadata: { paymentId: 'p1', cancel_action: 'https://malipo.example/pay' },
      channels: ['card'],
    });
    expect(result).toEqual({
      ok: true,
      authorizationUrl: 'https://checkout.paystack.com/3ni8kdavz62431k',
      accessCode: '3ni8kdavz62431k',
      reference: 're4lyvq3s3',
    });
    const sent = fake.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.json).toEqual({
      email: 'holder@example.com',
      amount: 123456,
      currency: 'KES',
      reference: 'MLP-abc.1=2',
      callback_url: 'https://malipo.example/pay/card/callback?p=1',
      metadata: { paymentId: 'p1', cancel_action: 'https://malipo.example/pay' },
      channels: ['card'],
    });
    expect(Number.isInteger((sent.json as { amount: unknown }).amount)).toBe(true);
  });

  it('reports a duplicate reference by Paystack’s code', async () => {
    fake.reply = () => json(400, fixture('error.duplicate-reference.400.json'));
    const result = await client.initializeTransaction({
      email: 'a@b.co',
      amountMinor: 500,
      reference: 'dup-1',
      callbackUrl: 'https://malipo.example/cb',
    });
    expect(result).toEqual({ ok: false, code: 'duplicate_reference', message: 'Duplicate Transaction Reference', httpStatus: 400 });
  });

  it('reports a wrong key as unauthorized without revealing it', async () => {
    const wrong = createPaystackClient({ ...config, secretKey: 'sk_test_wrong' });
    const result = await wrong.initializeTransaction({ email: 'a@b.co', amountMinor: 500, reference: 'r-1', callbackUrl: 'https://x.example/cb' });
    expect(result).toEqual({ ok: false, code: 'unauthorized', message: 'Invalid key', httpStatus: 401 });
    expect(JSON.stringify(result)).not.toContain('sk_test');
  });

  it('refuses caller mistakes before sending anything', async () => {
    const base = { email: 'a@b.co', amountMinor: 500, reference: 'r-1', callbackUrl: 'https://x.example/cb' };
    await expect(client.initializeTransaction({ ...base, reference: 'has_underscore' })).rejects.toThrow(TypeError);
    await expect(client.initializeTransaction({ ...base, reference: '' })).rejects.toThrow(TypeError);
    await expect(client.initializeTransaction({ ...base, amountMinor: 19.99 * 100 })).rejects.toThrow(RangeError);
    await expect(client.initializeTransaction({ ...base, amountMinor: 0 })).rejects.toThrow(RangeError);
    await expect(client.initializeTransaction({ ...base, email: 'nope' })).rejects.toThrow(TypeError);
    await expect(client.initializeTransaction({ ...base, callbackUrl: '/relative' })).rejects.toThrow();
    expect(fake.requests).toHaveLength(0);
  });

  it('treats a 2xx non-JSON body and an HTML 502 as failures', async () => {
    const base = { email: 'a@b.co', amountMinor: 500, reference: 'r-2', callbackUrl: 'https://x.example/cb' };
    fake.reply = () => ({ status: 200, raw: '<html>ok?</html>' });
    expect(await client.initializeTransaction(base)).toMatchObject({ ok: false, code: 'invalid_response' });
    fake.reply = () => ({ status: 502, raw: '<html>Bad gateway</html>' });
    expect(await client.initializeTransaction(base)).toMatchObject({ ok: false, code: 'http_502', httpStatus: 502 });
  });

  it('gives up after timeoutMs when Paystack does not answer', async () => {
    const impatient = createPaystackClient(config, { timeoutMs: 200 });
    fake.reply = () => ({ hang: true });
    const result = await impatient.initializeTransaction({ email: 'a@b.co', amountMinor: 500, reference: 'r-3', callbackUrl: 'https://x.example/cb' });
    expect(result).toMatchObject({ ok: false, code: 'timeout', httpStatus: null });
  });
});

describe('verifyTransaction', () => {
  it('parses a verify answer into our own transaction type', async () => {
    fake.reply = () => json(200, fixture('verify.success.json'));
    const result = await client.verifyTransaction('re4lyvq3s3');
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: `${BASE_PATH}/transaction/verify/re4lyvq3s3` });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.tx).toMatchObject({ id: 4099260516, status: 'success', amount: 40333, requested_amount: 30050, metadata: null });
  });

  it.each([400, 404])('reports an unknown reference answered with HTTP %i as notFound', async (status) => {
    fake.reply = () => json(status, fixture('error.reference-not-found.400.json'));
    const result = await client.verifyTransaction('unknown-ref');
    expect(result).toMatchObject({ ok: false, notFound: true, httpStatus: status, message: 'Transaction reference not found' });
  });

  it('does not call a server error "not found"', async () => {
    fake.reply = () => json(500, { status: false, message: 'An error occurred' });
    expect(await client.verifyTransaction('some-ref')).toMatchObject({ ok: false, notFound: false, code: 'http_500' });
  });

  it('never sends an empty or malformed reference (§13.1, §12.2)', async () => {
    for (const reference of ['', 'a/b?c', 'with space', 'x'.repeat(101)]) {
      expect(await client.verifyTransaction(reference)).toMatchObject({ ok: false, notFound: true, code: 'invalid_reference' });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses an answer about another reference', async () => {
    fake.reply = () => json(200, fixture('verify.success.json'));
    expect(await client.verifyTransaction('another-ref')).toMatchObject({ ok: false, code: 'invalid_response', notFound: false });
  });
});

describe('chargeAuthorization', () => {
  const input = {
    email: 'demo@test.com',
    amountMinor: 35247,
    authorizationCode: 'AUTH_uh8bcl3zbn',
    reference: 'MLP-renew-1',
    metadata: { policy: 'MLP-MOT-1' },
  };

  it('sends the saved card charge and reads success', async () => {
    fake.reply = () => json(200, fixture('charge-authorization.success.json'));
    const result = await client.chargeAuthorization(input);
    expect(fake.requests[0]!.path).toBe(`${BASE_PATH}/transaction/charge_authorization`);
    expect(fake.requests[0]!.json).toEqual({
      email: 'demo@test.com',
      amount: 35247,
      currency: 'KES',
      authorization_code: 'AUTH_uh8bcl3zbn',
      reference: 'MLP-renew-1',
      metadata: { policy: 'MLP-MOT-1' },
    });
    expect(result.outcome).toBe('success');
    if (result.outcome === 'success') expect(result.tx.id).toBe(4099490251);
  });

  it('reads a 200 with data.status "failed" as a failed charge, with the gateway message', async () => {
    const body = fixture('charge-authorization.success.json') as { data: Record<string, unknown> };
    fake.reply = () => json(200, { ...body, data: { ...body.data, status: 'failed', gateway_response: 'Insufficient Funds' } });
    expect(await client.chargeAuthorization(input)).toMatchObject({ outcome: 'failed', message: 'Insufficient Funds' });
  });

  it('reads the 2FA paused reply', async () => {
    fake.reply = () => json(200, fixture('charge-authorization.paused-2fa.json'));
    expect(await client.chargeAuthorization(input)).toEqual({
      outcome: 'paused',
      authorizationUrl: 'https://checkout.paystack.com/resume/0744ub5o065nwyz',
      reference: 'jvx2o36ghlvrgtt',
      accessCode: '0744ub5o065nwyz',
    });
  });

  it('reads other statuses as pending (not final)', async () => {
    const body = fixture('charge-authorization.success.json') as { data: Record<string, unknown> };
    fake.reply = () => json(200, { ...body, data: { ...body.data, status: 'ongoing' } });
    expect((await client.chargeAuthorization(input)).outcome).toBe('pending');
  });

  it('separates certain refusals from uncertain outcomes', async () => {
    fake.reply = () => json(400, { status: false, message: 'Invalid Authorization Code' });
    expect(await client.chargeAuthorization(input)).toEqual({
      outcome: 'error',
      code: 'http_400',
      message: 'Invalid Authorization Code',
      httpStatus: 400,
      uncertain: false,
    });
    fake.reply = () => ({ status: 503, raw: 'unavailable' });
    expect(await client.chargeAuthorization(input)).toMatchObject({ outcome: 'error', uncertain: true });
    fake.reply = () => ({ status: 200, raw: 'not json' });
    expect(await client.chargeAuthorization(input)).toMatchObject({ outcome: 'error', uncertain: true });
  });
});

describe('createRefund', () => {
  it('sends the reference, amount in subunits, KES and the note; reads the refund', async () => {
    fake.reply = () => json(200, fixture('refund.create.success.json'));
    const result = await client.createRefund({ reference: 'T685312322670591', amountMinor: 10000, merchantNote: 'Duplicate payment' });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `${BASE_PATH}/refund` });
    expect(fake.requests[0]!.json).toEqual({
      transaction: 'T685312322670591',
      currency: 'KES',
      amount: 10000,
      merchant_note: 'Duplicate payment',
    });
    expect(result).toMatchObject({ ok: true, refund: { id: 3018284, status: 'pending', amount: 10000 } });
  });

  it('omits the amount for a full refund and reports refusals', async () => {
    fake.reply = () => json(400, { status: false, message: 'Refund amount cannot be more than the unrefunded transaction amount', code: 'invalid_amount' });
    const result = await client.createRefund({ reference: 'T1' });
    expect(fake.requests[0]!.json).toEqual({ transaction: 'T1', currency: 'KES' });
    expect(result).toMatchObject({ ok: false, code: 'invalid_amount', httpStatus: 400, uncertain: false });
  });
});
