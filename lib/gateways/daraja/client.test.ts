/**
 * The client against a real local HTTP server that plays Daraja (no fetch mocks): the requests on
 * the wire are checked, and the answers are the real bodies from docs/daraja.md.
 */
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DarajaAuthError,
  type StkPushInput,
  createDarajaClient,
  memoryTokenStore,
  sanitizeAccountReference,
  sanitizeTransactionDesc,
} from './client';
import type { DarajaConfig } from './config';
import { stkPassword } from './password';

// ---------------------------------------------------------------------------------------------
// A scriptable fake Daraja

type Received = {
  method: string;
  /** Path as sent, and path with the fake's basePath removed (used for routing). */
  fullPath: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
};

type Reply =
  | { status: number; json: unknown }
  | { status: number; raw: string; contentType?: string }
  | { hang: true }
  | { destroySocket: true };

type Handler = (request: Received) => Reply | Promise<Reply>;

const OAUTH_PATH = '/oauth/v1/generate';
const PUSH_PATH = '/mpesa/stkpush/v1/processrequest';
const QUERY_PATH = '/mpesa/stkpushquery/v1/query';

const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';

const PUSH_ACK = {
  MerchantRequestID: '2654-4b64-97ff-b827b542881d3130',
  CheckoutRequestID: 'ws_CO_1007202409152617172396192',
  ResponseCode: '0',
  ResponseDescription: 'Success. Request accepted for processing',
  CustomerMessage: 'Success. Request accepted for processing',
};

const darajaError = (errorCode: string, errorMessage: string, requestId = '1c5b-4ba8-815c-ac45c57a3db01495926') => ({
  requestId,
  errorCode,
  errorMessage,
});

const INVALID_TOKEN: Reply = { status: 404, json: darajaError('404.001.03', 'Invalid Access Token') };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class FakeDaraja {
  readonly requests: Received[] = [];
  /** Tokens the fake currently honours; revokeTokens() makes the client's cached one stale. */
  private readonly validTokens = new Set<string>();
  private tokenCount = 0;
  oauthDelayMs = 0;
  /** Serve under a base path, like the built-in emulator at /api/sandbox/daraja. */
  basePath = '';
  expiresIn: string | number = '3599';

  oauth: Handler = async (request) => {
    if (this.oauthDelayMs > 0) await sleep(this.oauthDelayMs);
    const expected = `Basic ${Buffer.from('test-key:test-secret').toString('base64')}`;
    if (request.query.get('grant_type') !== 'client_credentials') {
      return { status: 400, json: darajaError('400.008.02', 'Invalid grant type passed') };
    }
    // Wrong credentials get HTTP 400 with an EMPTY body, as observed in 2026 (docs/daraja.md §2).
    if (request.headers.authorization !== expected) return { status: 400, raw: '' };
    const token = `tok${++this.tokenCount}${'x'.repeat(24)}`;
    this.validTokens.add(token);
    return { status: 200, json: { access_token: token, expires_in: this.expiresIn } };
  };

  push: Handler = (request) => this.checkAuthAndBody(request) ?? { status: 200, json: PUSH_ACK };

  query: Handler = (request) =>
    this.checkAuthAndBody(request) ?? {
      status: 200,
      json: {
        ResponseCode: '0',
        ResponseDescription: 'The service request has been accepted successsfully',
        MerchantRequestID: '22205-34066-1',
        CheckoutRequestID: 'ws_CO_13012021093521236557',
        ResultCode: '0',
        ResultDesc: 'The service request is processed successfully.',
      },
    };

  revokeTokens(): void {
    this.validTokens.clear();
  }

  requestsTo(path: string): Received[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** What the real gateway checks before M-Pesa: bearer token, JSON content type, Password (docs/daraja.md §1, §2, §3.2). */
  checkAuthAndBody(request: Received): Reply | null {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !this.validTokens.has(token)) return INVALID_TOKEN;
    if (request.headers['content-type'] !== 'application/json') {
      return { status: 400, json: darajaError('400.002.02', 'Bad Request - Invalid BusinessShortCode') };
    }
    const body = request.json as Record<string, unknown>;
    const timestamp = String(body.Timestamp);
    if (!/^\d{14}$/.test(timestamp)) return { status: 400, json: darajaError('400.002.02', 'Bad Request - Invalid Timestamp') };
    if (body.Password !== stkPassword(String(body.BusinessShortCode), SANDBOX_PASSKEY, timestamp)) {
      return { status: 500, json: darajaError('500.001.1001', 'Wrong credentials') };
    }
    return null;
  }

  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void (async () => {
          const url = new URL(req.url ?? '/', 'http://fake');
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = text === '' ? undefined : (JSON.parse(text) as unknown);
          } catch {
            json = undefined;
          }
          const routed = url.pathname.startsWith(this.basePath) ? url.pathname.slice(this.basePath.length) : url.pathname;
          const request: Received = {
            method: req.method ?? '',
            fullPath: url.pathname,
            path: routed,
            query: url.searchParams,
            headers: req.headers,
            text,
            json,
          };
          this.requests.push(request);

          let reply: Reply;
          if (request.path === OAUTH_PATH && request.method === 'GET') reply = await this.oauth(request);
          else if (request.path === PUSH_PATH && request.method === 'POST') reply = await this.push(request);
          else if (request.path === QUERY_PATH && request.method === 'POST') reply = await this.query(request);
          else reply = { status: 404, json: darajaError('404.001.01', 'Resource not found') };

          if ('hang' in reply) return;
          if ('destroySocket' in reply) {
            req.socket.destroy();
            return;
          }
          if ('json' in reply) {
            res.writeHead(reply.status, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(reply.json));
          } else {
            res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'text/html' });
            res.end(reply.raw);
          }
        })();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

let fake: FakeDaraja;
/** 2026-01-11 00:36:59 UTC = 03:36:59 in Nairobi. Tests move it forward to age tokens. */
let clock: Date;
const now = () => clock;

const configFor = (apiUrl: string, overrides: Partial<DarajaConfig> = {}): DarajaConfig => ({
  apiUrl,
  consumerKey: 'test-key',
  consumerSecret: 'test-secret',
  shortcode: '174379',
  passkey: SANDBOX_PASSKEY,
  transactionType: 'CustomerPayBillOnline',
  partyB: '174379',
  callbackUrl: 'https://pay.malipo.example/api/daraja/stk',
  ...overrides,
});

const client = (opts: Parameters<typeof createDarajaClient>[1] = {}, overrides: Partial<DarajaConfig> = {}) =>
  createDarajaClient(configFor(fake.url, overrides), { now, ...opts });

const PUSH: StkPushInput = {
  phone: '254708374149',
  amountKes: 1500,
  accountReference: 'POL-2026/0042',
  description: 'Premium',
  callbackUrl: 'https://pay.malipo.example/api/daraja/stk/1b4e28ba-2fa1-11d2-883f-0016d3cca427/9f86d081884c7d65',
};

beforeEach(async () => {
  clock = new Date('2026-01-11T00:36:59Z');
  fake = new FakeDaraja();
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

// ---------------------------------------------------------------------------------------------
// OAuth

describe('getToken', () => {
  it('uses GET with grant_type=client_credentials and a Basic header, and caches the token', async () => {
    const daraja = client();
    const token = await daraja.getToken();
    expect(token).toMatch(/^tok1x+$/);

    const [oauth] = fake.requestsTo(OAUTH_PATH);
    expect(oauth?.method).toBe('GET');
    expect(oauth?.query.get('grant_type')).toBe('client_credentials');
    expect(oauth?.headers.authorization).toBe(`Basic ${Buffer.from('test-key:test-secret').toString('base64')}`);

    expect(await daraja.getToken()).toBe(token);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(1);
  });

  it('accepts expires_in as a number (Daraja 3.0 page)', async () => {
    fake.expiresIn = 3599;
    const store = memoryTokenStore();
    const daraja = client({ tokenStore: store });
    await daraja.getToken();
    await daraja.getToken();
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(1);
  });

  it('stores the token with its expiry, under a key that does not reveal the consumer key', async () => {
    const keys: string[] = [];
    const inner = memoryTokenStore();
    const store = {
      get: inner.get,
      clear: inner.clear,
      async set(key: string, token: string, expiresAt: Date) {
        keys.push(key);
        expect(expiresAt.toISOString()).toBe('2026-01-11T01:36:58.000Z'); // now + 3599 s
        await inner.set(key, token, expiresAt);
      },
    };
    await client({ tokenStore: store }).getToken();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain(fake.url);
    expect(keys[0]).not.toContain('test-key');
  });

  it('reuses the token until fewer than 5 minutes remain, then refreshes', async () => {
    const daraja = client();
    const first = await daraja.getToken();

    clock = new Date(clock.getTime() + (3599 - 301) * 1000); // 5 min 1 s left
    expect(await daraja.getToken()).toBe(first);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(1);

    clock = new Date(clock.getTime() + 2000); // 4 min 59 s left
    const second = await daraja.getToken();
    expect(second).not.toBe(first);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(2);
  });

  it('shares one in-flight OAuth request between concurrent callers (single-flight)', async () => {
    fake.oauthDelayMs = 150;
    const store = memoryTokenStore();
    const daraja = client({ tokenStore: store });
    // A second client with its own wrapper over the same storage, as when a client is built per request.
    const otherClientSameStore = client({ tokenStore: { ...store } });
    const tokens = await Promise.all([
      daraja.getToken(),
      daraja.getToken(),
      daraja.getToken(),
      otherClientSameStore.getToken(),
      otherClientSameStore.getToken(),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(1);
  });

  it('keeps separate tokens for separate credential sets in one store', async () => {
    const store = memoryTokenStore();
    const seen: string[] = [];
    fake.oauth = (request) => {
      seen.push(request.headers.authorization ?? '');
      return { status: 200, json: { access_token: `tok-for-${seen.length}`, expires_in: '3599' } };
    };
    const a = await client({ tokenStore: store }).getToken();
    const b = await client({ tokenStore: store }, { consumerKey: 'other-key' }).getToken();
    expect(a).not.toBe(b);
    expect(seen).toHaveLength(2);
  });

  it('throws a clear DarajaAuthError on an empty-body HTTP 400 (wrong key or environment)', async () => {
    const daraja = client({}, { consumerSecret: 'wrong-secret' });
    const error = await daraja.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DarajaAuthError);
    expect((error as DarajaAuthError).status).toBe(400);
    expect((error as DarajaAuthError).message).toMatch(/HTTP 400: an empty body .*consumer key\/secret/);
  });

  it('names the Daraja error code when OAuth answers with a JSON error', async () => {
    fake.oauth = () => ({ status: 400, json: darajaError('400.008.01', 'Invalid Authentication passed') });
    const error = (await client().getToken().catch((e: unknown) => e)) as DarajaAuthError;
    expect(error).toBeInstanceOf(DarajaAuthError);
    expect(error.errorCode).toBe('400.008.01');
    expect(error.message).toContain('400.008.01 Invalid Authentication passed');
  });

  it('throws when a 200 carries no usable token', async () => {
    fake.oauth = () => ({ status: 200, raw: '<html>maintenance</html>' });
    await expect(client().getToken()).rejects.toThrow(/200 without a usable token/);
  });

  it('does not cache a failed refresh: the next call tries again', async () => {
    let calls = 0;
    fake.oauth = () => (++calls === 1 ? { status: 400, raw: '' } : { status: 200, json: { access_token: 'good', expires_in: '3599' } });
    const daraja = client();
    await expect(daraja.getToken()).rejects.toThrow(DarajaAuthError);
    expect(await daraja.getToken()).toBe('good');
  });
});

// ---------------------------------------------------------------------------------------------
// STK Push

describe('stkPush: the request on the wire', () => {
  it('sends the documented body with JSON numbers and a matching Password/Timestamp', async () => {
    const result = await client().stkPush(PUSH);
    expect(result).toEqual({
      ok: true,
      merchantRequestId: '2654-4b64-97ff-b827b542881d3130',
      checkoutRequestId: 'ws_CO_1007202409152617172396192',
      customerMessage: 'Success. Request accepted for processing',
    });

    const [push] = fake.requestsTo(PUSH_PATH);
    expect(push?.method).toBe('POST');
    expect(push?.headers['content-type']).toBe('application/json');
    expect(push?.headers.authorization).toMatch(/^Bearer tok1x+$/);
    expect(push?.json).toEqual({
      BusinessShortCode: 174379,
      Password: stkPassword('174379', SANDBOX_PASSKEY, '20260111033659'),
      Timestamp: '20260111033659', // Nairobi time of the fixed clock
      TransactionType: 'CustomerPayBillOnline',
      Amount: 1500,
      PartyA: 254708374149,
      PartyB: 174379,
      PhoneNumber: 254708374149,
      CallBackURL: PUSH.callbackUrl,
      AccountReference: 'POL20260042',
      TransactionDesc: 'Premium',
    });
    // Exact JSON types, not just equal values.
    const body = push?.json as Record<string, unknown>;
    for (const field of ['BusinessShortCode', 'Amount', 'PartyA', 'PartyB', 'PhoneNumber']) {
      expect(typeof body[field], field).toBe('number');
    }
    expect(Buffer.from(String(body.Password), 'base64').toString()).toBe(`174379${SANDBOX_PASSKEY}20260111033659`);
  });

  it('sends a till as CustomerBuyGoodsOnline with PartyB = till number', async () => {
    await client({}, { transactionType: 'CustomerBuyGoodsOnline', partyB: '5123456' }).stkPush(PUSH);
    expect(fake.requestsTo(PUSH_PATH)[0]?.json).toMatchObject({
      BusinessShortCode: 174379,
      TransactionType: 'CustomerBuyGoodsOnline',
      PartyB: 5123456,
    });
  });

  it('sanitises AccountReference (≤12 alphanumerics) and TransactionDesc (1–13 plain chars, always sent)', async () => {
    await client().stkPush({ ...PUSH, accountReference: 'POL-2026/0001-ABC&Co', description: 'Premium for policy #42!' });
    await client().stkPush({ ...PUSH, description: '' });
    const [first, second] = fake.requestsTo(PUSH_PATH).map((r) => r.json as Record<string, unknown>);
    expect(first?.AccountReference).toBe('POL20260001A');
    expect(first?.TransactionDesc).toBe('Premium for p');
    expect(second?.TransactionDesc).toBe('Payment');
    expect(sanitizeAccountReference('  a b-c ')).toBe('abc');
    expect(sanitizeTransactionDesc('  Malipo   premium  ')).toBe('Malipo premiu');
    expect(sanitizeTransactionDesc('@@@')).toBe('Payment');
  });

  it('uses one OAuth call for several pushes', async () => {
    const daraja = client();
    const results = await Promise.all([daraja.stkPush(PUSH), daraja.stkPush(PUSH), daraja.stkPush(PUSH)]);
    await daraja.stkPush(PUSH);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(1);
    expect(fake.requestsTo(PUSH_PATH)).toHaveLength(4);
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['a fraction', 1.5],
    ['over 250,000', 250_001],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('throws before any HTTP call for an amount that is %s', async (_label, amountKes) => {
    await expect(client().stkPush({ ...PUSH, amountKes })).rejects.toThrow(RangeError);
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts the limits 1 and 250,000', async () => {
    const daraja = client();
    expect((await daraja.stkPush({ ...PUSH, amountKes: 1 })).ok).toBe(true);
    expect((await daraja.stkPush({ ...PUSH, amountKes: 250_000 })).ok).toBe(true);
  });

  it.each(['0708374149', '+254708374149', '254808374149', ''])('throws for a phone %j that is not a normalised MSISDN', async (phone) => {
    await expect(client().stkPush({ ...PUSH, phone })).rejects.toThrow(/normalizeKenyanPhone/);
    expect(fake.requests).toHaveLength(0);
  });

  it('throws for an unusable callback URL or account reference', async () => {
    await expect(client().stkPush({ ...PUSH, callbackUrl: 'https://<host>/cb' })).rejects.toThrow(/callbackUrl/);
    await expect(client().stkPush({ ...PUSH, callbackUrl: '/relative' })).rejects.toThrow(/callbackUrl/);
    await expect(client().stkPush({ ...PUSH, accountReference: '---' })).rejects.toThrow(/accountReference/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('stkPush: stale tokens', () => {
  it('on 404.001.03 drops the token, fetches a new one and retries exactly once', async () => {
    const daraja = client();
    await daraja.getToken();
    fake.revokeTokens(); // e.g. the token was issued before the product was added (docs/daraja.md §2)

    const result = await daraja.stkPush(PUSH);
    expect(result.ok).toBe(true);
    const pushes = fake.requestsTo(PUSH_PATH);
    expect(pushes).toHaveLength(2);
    expect(pushes[0]?.headers.authorization).toMatch(/^Bearer tok1/);
    expect(pushes[1]?.headers.authorization).toMatch(/^Bearer tok2/);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(2);

    // The fresh token is cached for the next push.
    await daraja.stkPush(PUSH);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(2);
  });

  it('also refreshes once on 401.002.01 "Invalid Access Token - <token>"', async () => {
    let calls = 0;
    fake.push = (request) =>
      ++calls === 1
        ? { status: 401, json: darajaError('401.002.01', 'Error Occurred - Invalid Access Token - tok1xxxx') }
        : (fake.checkAuthAndBody(request) ?? { status: 200, json: PUSH_ACK });
    const result = await client().stkPush(PUSH);
    expect(result.ok).toBe(true);
    expect(fake.requestsTo(PUSH_PATH)).toHaveLength(2);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(2);
  });

  it('gives up after one retry and never leaks the token into the detail', async () => {
    fake.push = () => ({ status: 401, json: darajaError('401.002.01', 'Error Occurred - Invalid Access Token - tok9secret') });
    const result = await client().stkPush(PUSH);
    expect(result).toMatchObject({
      ok: false,
      kind: 'rejected',
      code: '401.002.01',
      message: 'M-Pesa payments are not available right now. Please try again later or contact us.',
    });
    if (!result.ok) expect(result.detail).not.toContain('tok9secret');
    expect(fake.requestsTo(PUSH_PATH)).toHaveLength(2);
  });

  it('treats a non-JSON 401 (no apiproduct match) as a refusal after one retry', async () => {
    fake.push = () => ({ status: 401, raw: 'Invalid API call as no apiproduct match found', contentType: 'text/plain' });
    const result = await client().stkPush(PUSH);
    expect(result).toMatchObject({ ok: false, kind: 'rejected', code: 'HTTP_401' });
    expect(fake.requestsTo(PUSH_PATH)).toHaveLength(2);
  });
});

describe('stkPush: error classes (§3.6)', () => {
  const pushAnswering = async (reply: Reply) => {
    fake.push = () => reply;
    const result = await client({ timeoutMs: 400 }).stkPush(PUSH);
    // Never auto-retried: exactly one push went out.
    expect(fake.requestsTo(PUSH_PATH)).toHaveLength(1);
    return result;
  };

  it('400 Invalid PhoneNumber -> rejected, asking the payer to check the number', async () => {
    const result = await pushAnswering({ status: 400, json: darajaError('400.002.02', 'Bad Request - Invalid PhoneNumber') });
    expect(result).toEqual({
      ok: false,
      kind: 'rejected',
      code: '400.002.02',
      message: 'M-Pesa did not accept this phone number. Check the number and try again.',
      detail: 'HTTP 400 400.002.02 Bad Request - Invalid PhoneNumber (requestId 1c5b-4ba8-815c-ac45c57a3db01495926)',
    });
  });

  it('400 Invalid PartyA -> rejected with the phone message', async () => {
    const result = await pushAnswering({ status: 400, json: darajaError('400.002.02', 'Bad Request - Invalid PartyA') });
    expect(result).toMatchObject({ kind: 'rejected', message: expect.stringMatching(/phone number/) });
  });

  it('400 Invalid Amount -> rejected with the amount message', async () => {
    const result = await pushAnswering({ status: 400, json: darajaError('400.002.02', 'Bad Request - Invalid Amount') });
    expect(result).toMatchObject({ kind: 'rejected', message: 'M-Pesa did not accept this amount. Please contact us.' });
  });

  it.each(['Bad Request - Invalid CallBackURL', 'Bad Request - Invalid Remarks', 'Bad Request - Invalid BusinessShortCode'])(
    '400 %s -> rejected with a generic message',
    async (errorMessage) => {
      const result = await pushAnswering({ status: 400, json: darajaError('400.002.02', errorMessage) });
      expect(result).toMatchObject({
        ok: false,
        kind: 'rejected',
        code: '400.002.02',
        message: 'We could not start the M-Pesa payment. Please try again later or contact us.',
      });
    },
  );

  it('500.001.1001 Unable to lock subscriber -> retryable, tell the payer to finish the open prompt', async () => {
    const result = await pushAnswering({
      status: 500,
      json: darajaError(
        '500.001.1001',
        'Unable to lock subscriber, a transaction is already in process for the current subscriber',
      ),
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: '500.001.1001',
      message: 'You have another M-Pesa prompt open. Finish or cancel it, wait a minute, then try again.',
    });
  });

  it.each([
    ['500.003.02', 'Error Occurred: Spike Arrest Violation'],
    ['500.003.02', 'System is busy. Please try again in few minutes.'],
    ['500.003.03', 'Quota Violation'],
  ])('%s %s -> retryable "busy"', async (errorCode, errorMessage) => {
    const result = await pushAnswering({ status: 500, json: darajaError(errorCode, errorMessage) });
    expect(result).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: errorCode,
      message: 'M-Pesa is busy right now. Please try again in a few minutes.',
    });
  });

  it('429 with any body -> retryable', async () => {
    const result = await pushAnswering({ status: 429, raw: '{"fault":"rate"}', contentType: 'application/json' });
    expect(result).toMatchObject({ ok: false, kind: 'retryable', code: 'HTTP_429' });
  });

  it.each(['Wrong credentials', '[MerchantValidate] - Wrong credentials', 'Merchant does not exist'])(
    '500.001.1001 %s -> rejected (configuration)',
    async (errorMessage) => {
      const result = await pushAnswering({ status: 500, json: darajaError('500.001.1001', errorMessage) });
      expect(result).toMatchObject({ ok: false, kind: 'rejected', code: '500.001.1001' });
    },
  );

  it('a Password built wrongly is refused by the fake as "Wrong credentials" (guards the fake itself)', async () => {
    const result = await client({}, { passkey: 'not-the-passkey' }).stkPush(PUSH);
    expect(result).toMatchObject({ ok: false, kind: 'rejected', detail: expect.stringContaining('Wrong credentials') });
  });

  it('500.003.1001 Internal Server Error -> unknown (a prompt may have been sent)', async () => {
    const result = await pushAnswering({ status: 500, json: darajaError('500.003.1001', 'Internal Server Error') });
    expect(result).toMatchObject({
      ok: false,
      kind: 'unknown',
      code: '500.003.1001',
      message: expect.stringMatching(/could not confirm whether M-Pesa sent you a prompt/),
    });
  });

  it('an HTML gateway page -> unknown', async () => {
    const result = await pushAnswering({ status: 502, raw: '<html><body>502 Bad Gateway</body></html>' });
    expect(result).toMatchObject({ ok: false, kind: 'unknown', code: 'NON_JSON' });
    if (!result.ok) expect(result.detail).toContain('502 Bad Gateway');
  });

  it('an empty 200 -> unknown', async () => {
    const result = await pushAnswering({ status: 200, raw: '' });
    expect(result).toMatchObject({ ok: false, kind: 'unknown', code: 'NON_JSON' });
  });

  it('a 200 whose ResponseCode is not the string "0" -> unknown, keeping the CheckoutRequestID in the detail', async () => {
    const result = await pushAnswering({ status: 200, json: { ...PUSH_ACK, ResponseCode: '1' } });
    expect(result).toMatchObject({ ok: false, kind: 'unknown', code: 'RESPONSE_CODE_1' });
    if (!result.ok) expect(result.detail).toContain(PUSH_ACK.CheckoutRequestID);
  });

  it('a JSON body of an unexpected shape -> unknown', async () => {
    const result = await pushAnswering({ status: 503, json: { message: 'down' } });
    expect(result).toMatchObject({ ok: false, kind: 'unknown', code: 'HTTP_503' });
  });

  it('a dropped connection -> unknown NETWORK_ERROR', async () => {
    const result = await pushAnswering({ destroySocket: true });
    expect(result).toMatchObject({ ok: false, kind: 'unknown', code: 'NETWORK_ERROR' });
  });

  it('a timeout -> unknown TIMEOUT, and the push is not retried', async () => {
    const started = Date.now();
    const result = await pushAnswering({ hang: true });
    expect(result).toMatchObject({ ok: false, kind: 'unknown', code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('an OAuth refusal -> rejected, and no push is sent', async () => {
    const result = await client({}, { consumerSecret: 'wrong' }).stkPush(PUSH);
    expect(result).toMatchObject({ ok: false, kind: 'rejected', code: 'OAUTH_HTTP_400' });
    expect(fake.requestsTo(PUSH_PATH)).toHaveLength(0);
  });

  it('OAuth unreachable -> retryable (nothing was sent)', async () => {
    fake.oauth = () => ({ hang: true });
    const result = await client({ timeoutMs: 300 }).stkPush(PUSH);
    expect(result).toMatchObject({ ok: false, kind: 'retryable', code: 'OAUTH_UNAVAILABLE' });
    expect(fake.requestsTo(PUSH_PATH)).toHaveLength(0);
  });

  it('an unreachable server -> unknown for the push after a token was cached', async () => {
    const daraja = client({ timeoutMs: 1_000 });
    await daraja.getToken();
    await fake.stop(); // connection refused from now on
    const result = await daraja.stkPush(PUSH);
    expect(result).toMatchObject({ ok: false, kind: 'unknown', code: 'NETWORK_ERROR' });
  });
});

// ---------------------------------------------------------------------------------------------
// STK Query

describe('stkQuery', () => {
  const CHECKOUT_ID = 'ws_CO_13012021093521236557';

  it('sends shortcode, Password/Timestamp from one timestamp, and the CheckoutRequestID', async () => {
    const result = await client().stkQuery(CHECKOUT_ID);
    expect(result).toEqual({ state: 'final', resultCode: '0', resultDesc: 'The service request is processed successfully.' });

    const [query] = fake.requestsTo(QUERY_PATH);
    expect(query?.method).toBe('POST');
    expect(query?.headers['content-type']).toBe('application/json');
    expect(query?.json).toEqual({
      BusinessShortCode: '174379',
      Password: stkPassword('174379', SANDBOX_PASSKEY, '20260111033659'),
      Timestamp: '20260111033659',
      CheckoutRequestID: CHECKOUT_ID,
    });
  });

  it('200 with ResultCode "4999" -> pending, never a failure', async () => {
    fake.query = () => ({ status: 200, json: { ResultCode: '4999', ResultDesc: 'The transaction is still under processing' } });
    expect(await client().stkQuery(CHECKOUT_ID)).toEqual({ state: 'pending', resultCode: '4999' });
  });

  it('500 "The transaction is being processed" -> pending', async () => {
    fake.query = () => ({
      status: 500,
      json: darajaError('500.001.1001', 'The transaction is being processed', 'ws_CO_20022018230142206'),
    });
    expect(await client().stkQuery(CHECKOUT_ID)).toEqual({ state: 'pending', resultCode: '500.001.1001' });
  });

  it.each([
    ['cancelled', { ResponseCode: '0', ResultCode: '1032', ResultDesc: 'Request Cancelled by user.' }, '1032', 'Request Cancelled by user.'],
    ['timed out', { ResultCode: '1037', ResultDesc: 'DS timeout user cannot be reached.' }, '1037', 'DS timeout user cannot be reached.'],
    ['numeric code', { ResultCode: 1, ResultDesc: 'The balance is insufficient for the transaction.' }, '1', 'The balance is insufficient for the transaction.'],
    ['no ResultDesc', { ResultCode: '2001' }, '2001', ''],
  ])('200 %s -> final with the stringified code', async (_label, json, resultCode, resultDesc) => {
    fake.query = () => ({ status: 200, json });
    expect(await client().stkQuery(CHECKOUT_ID)).toEqual({ state: 'final', resultCode, resultDesc });
  });

  it('500 "The transaction does not Exist" -> no_answer (also seen for valid IDs, §5)', async () => {
    fake.query = () => ({ status: 500, json: { errorCode: '500.001.1001', errorMessage: 'The transaction does not Exist' } });
    const result = await client().stkQuery(CHECKOUT_ID);
    expect(result).toEqual({ state: 'no_answer', detail: 'HTTP 500 500.001.1001 The transaction does not Exist', notFound: true });
  });

  it.each<[string, Reply]>([
    ['spike arrest', { status: 500, json: darajaError('500.003.02', 'Error Occurred: Spike Arrest Violation') }],
    ['an HTML 503', { status: 503, raw: '<html>Service Unavailable</html>' }],
    ['an empty 200', { status: 200, raw: '' }],
    ['a 200 without ResultCode', { status: 200, json: { ResponseCode: '0' } }],
    ['a 400 Invalid Timestamp', { status: 400, json: darajaError('400.002.02', 'Bad Request - Invalid Timestamp') }],
    ['a dropped connection', { destroySocket: true }],
  ])('%s -> no_answer', async (_label, reply) => {
    fake.query = () => reply;
    const result = await client().stkQuery(CHECKOUT_ID);
    expect(result.state).toBe('no_answer');
  });

  it('a timeout -> no_answer', async () => {
    fake.query = () => ({ hang: true });
    const result = await client({ timeoutMs: 300 }).stkQuery(CHECKOUT_ID);
    expect(result).toMatchObject({ state: 'no_answer', detail: expect.stringMatching(/timeout/i) });
  });

  it('refreshes a stale token once on 404.001.03', async () => {
    const daraja = client();
    await daraja.getToken();
    fake.revokeTokens();
    expect(await daraja.stkQuery(CHECKOUT_ID)).toMatchObject({ state: 'final', resultCode: '0' });
    expect(fake.requestsTo(QUERY_PATH)).toHaveLength(2);
    expect(fake.requestsTo(OAUTH_PATH)).toHaveLength(2);
  });

  it('no token -> no_answer, and no query is sent', async () => {
    const result = await client({}, { consumerSecret: 'wrong' }).stkQuery(CHECKOUT_ID);
    expect(result).toMatchObject({ state: 'no_answer', detail: expect.stringMatching(/HTTP 400/) });
    expect(fake.requestsTo(QUERY_PATH)).toHaveLength(0);
  });

  it('throws for an empty CheckoutRequestID', async () => {
    await expect(client().stkQuery('  ')).rejects.toThrow(/checkoutRequestId/);
  });
});

describe('apiUrl with a path (e.g. the built-in emulator)', () => {
  it('appends API paths after the base path and tolerates a trailing slash', async () => {
    fake.basePath = '/api/sandbox/daraja';
    const daraja = createDarajaClient(configFor(`${fake.url}/api/sandbox/daraja/`), { now });
    expect((await daraja.stkPush(PUSH)).ok).toBe(true);
    expect((await daraja.stkQuery('ws_CO_1')).state).toBe('final');
    expect(fake.requests.map((r) => r.fullPath)).toEqual([
      '/api/sandbox/daraja/oauth/v1/generate',
      '/api/sandbox/daraja/mpesa/stkpush/v1/processrequest',
      '/api/sandbox/daraja/mpesa/stkpushquery/v1/query',
    ]);
  });
});
