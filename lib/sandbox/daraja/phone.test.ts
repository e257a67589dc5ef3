import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';

import type { DatabaseHandle } from '@/db/client';
import { sandboxStkPrompts, type SandboxStkPrompt } from '@/db/sandbox-schema';
import { darajaTimestamp, stkPassword } from '@/lib/gateways/daraja/password';
import { freshDatabase } from '@/tests/db';
import { handleDarajaSandbox, SANDBOX_PASSKEY } from './emulator';
import { sandboxJobHandlers } from '../jobs';
import { expireUnansweredPrompts, listPrompts, receiptNumber, respondToPrompt } from './phone';

type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

let handle: DatabaseHandle;
let server: http.Server;
let origin = '';
let received: Received[] = [];
let answerStatus = 200;

beforeAll(async () => {
  vi.stubEnv('AUTH_SECRET', 'phone-test-secret');
  vi.stubEnv('MPESA_CONSUMER_KEY', '');
  handle = await freshDatabase();
  // A real HTTP server standing in for the app's callback route.
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(answerStatus, { 'Content-Type': 'application/json' });
      res.end('{"ResultCode":0,"ResultDesc":"Accepted"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  // fetch keeps connections alive; drop them so close() does not wait for their idle timeout.
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await handle?.close();
});
beforeEach(() => {
  received = [];
  answerStatus = 200;
});

/** Creates a prompt the way the app does: OAuth, then an STK push through the emulator. */
async function pushPrompt(opts: { phone?: string; amount?: number; now?: Date; path?: string } = {}) {
  const deps = { db: handle.db, now: opts.now ? () => opts.now! : undefined };
  const auth = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`;
  const oauth = await handleDarajaSandbox(
    new Request('http://x/oauth/v1/generate?grant_type=client_credentials', { headers: { Authorization: auth } }),
    ['oauth', 'v1', 'generate'],
    deps,
  );
  const { access_token } = (await oauth.json()) as { access_token: string };
  const timestamp = darajaTimestamp();
  const phone = opts.phone ?? '254708374149';
  const res = await handleDarajaSandbox(
    new Request('http://x/mpesa/stkpush/v1/processrequest', {
      method: 'POST',
      headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        BusinessShortCode: 174379,
        Password: stkPassword('174379', SANDBOX_PASSKEY, timestamp),
        Timestamp: timestamp,
        TransactionType: 'CustomerPayBillOnline',
        Amount: opts.amount ?? 100,
        PartyA: Number(phone),
        PartyB: 174379,
        PhoneNumber: Number(phone),
        CallBackURL: `${origin}${opts.path ?? '/api/daraja/stk/pay_1/s3cret'}`,
        AccountReference: 'POL123',
        TransactionDesc: 'Premium',
      }),
    }),
    ['mpesa', 'stkpush', 'v1', 'processrequest'],
    deps,
  );
  expect(res.status).toBe(200);
  const { CheckoutRequestID } = (await res.json()) as { CheckoutRequestID: string };
  const [row] = await handle.db
    .select()
    .from(sandboxStkPrompts)
    .where(eq(sandboxStkPrompts.checkoutRequestId, CheckoutRequestID));
  return row as SandboxStkPrompt;
}

type Callback = {
  Body: {
    stkCallback: {
      MerchantRequestID: string;
      CheckoutRequestID: string;
      ResultCode: number;
      ResultDesc: string;
      CallbackMetadata?: { Item: Array<{ Name: string; Value?: number | string }> };
    };
  };
};

describe('respondToPrompt', () => {
  it('POSTs the exact success callback once, with Daraja headers, and reports the app status', async () => {
    const prompt = await pushPrompt({ amount: 1234 });
    const answeredAt = new Date('2026-05-04T21:30:05Z'); // 2026-05-05 00:30:05 in Nairobi
    const result = await respondToPrompt(handle.db, prompt.id, 'pin', { now: () => answeredAt });
    expect(result).toEqual({ answered: true, delivered: true, status: 200 });

    expect(received).toHaveLength(1);
    const [cb] = received;
    expect(cb!.method).toBe('POST');
    expect(cb!.url).toBe('/api/daraja/stk/pay_1/s3cret');
    expect(cb!.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(cb!.headers['businessshortcode']).toBe('174379');
    expect(cb!.headers.authorization).toBeUndefined();

    // Compact JSON; Amount with two decimals; TransactionDate and PhoneNumber as bare numbers.
    expect(cb!.body).not.toMatch(/[\r\n]|":\s|,\s"/);
    expect(cb!.body).toContain('{"Name":"Amount","Value":1234.00}');
    expect(cb!.body).toContain('{"Name":"TransactionDate","Value":20260505003005}');
    expect(cb!.body).toContain('{"Name":"PhoneNumber","Value":254708374149}');
    expect(cb!.body).toContain('"ResultCode":0,');

    const body = JSON.parse(cb!.body) as Callback;
    const stk = body.Body.stkCallback;
    expect(Object.keys(stk)).toEqual([
      'MerchantRequestID',
      'CheckoutRequestID',
      'ResultCode',
      'ResultDesc',
      'CallbackMetadata',
    ]);
    expect(stk).toMatchObject({
      MerchantRequestID: prompt.merchantRequestId,
      CheckoutRequestID: prompt.checkoutRequestId,
      ResultCode: 0,
      ResultDesc: 'The service request is processed successfully.',
    });
    const items = new Map(stk.CallbackMetadata!.Item.map((i) => [i.Name, i]));
    expect(items.get('Amount')?.Value).toBe(1234);
    const receipt = items.get('MpesaReceiptNumber')?.Value as string;
    // U = 2026, E = May, 5 = the 5th (Nairobi date, not UTC's 4th).
    expect(receipt).toMatch(/^UE5[A-Z0-9]{7}$/);
    expect(items.get('PhoneNumber')?.Value).toBe(254708374149);

    const [row] = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.id, prompt.id));
    expect(row).toMatchObject({ resultCode: '0', receipt });
  });

  it('answers only once: a second answer sends nothing and says why', async () => {
    const prompt = await pushPrompt();
    await respondToPrompt(handle.db, prompt.id, 'pin');
    const second = await respondToPrompt(handle.db, prompt.id, 'cancel');
    expect(second.answered).toBe(false);
    expect(second.delivered).toBe(false);
    expect(second.error).toMatch(/already answered/);
    expect(received).toHaveLength(1);
    const [row] = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.id, prompt.id));
    expect(row?.resultCode).toBe('0');
  });

  it('includes a value-less {"Name":"Balance"} on every other success', async () => {
    for (let i = 0; i < 2; i++) await respondToPrompt(handle.db, (await pushPrompt()).id, 'pin');
    const withBalance = received.filter((r) => r.body.includes('{"Name":"Balance"}'));
    expect(withBalance).toHaveLength(1);
    const items = (JSON.parse(withBalance[0]!.body) as Callback).Body.stkCallback.CallbackMetadata!.Item;
    expect(items.find((i) => i.Name === 'Balance')).toStrictEqual({ Name: 'Balance' });
  });

  it.each([
    ['cancel', 1032, 'Request Cancelled by user.'],
    ['insufficient', 1, 'The balance is insufficient for the transaction.'],
    ['wrong_pin', 2001, 'The initiator information is invalid.'],
    ['no_answer', 1037, 'No response from user.'],
  ] as const)('%s sends ResultCode %i with no CallbackMetadata key', async (action, code, desc) => {
    const prompt = await pushPrompt();
    expect(await respondToPrompt(handle.db, prompt.id, action)).toMatchObject({ delivered: true, status: 200 });
    expect(received[0]!.body).toBe(
      `{"Body":{"stkCallback":{"MerchantRequestID":"${prompt.merchantRequestId}",` +
        `"CheckoutRequestID":"${prompt.checkoutRequestId}","ResultCode":${code},"ResultDesc":"${desc}"}}}`,
    );
    const [row] = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.id, prompt.id));
    expect(row).toMatchObject({ resultCode: String(code), resultDesc: desc, receipt: null });
  });

  it('does not retry when the app answers 500', async () => {
    answerStatus = 500;
    const prompt = await pushPrompt();
    const result = await respondToPrompt(handle.db, prompt.id, 'pin');
    expect(result).toMatchObject({ answered: true, delivered: true, status: 500 });
    expect(result.error).toMatch(/HTTP 500/);
    expect(received).toHaveLength(1);
  });

  it('reports an unreachable callback URL without throwing', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const prompt = await pushPrompt();
    await handle.db
      .update(sandboxStkPrompts)
      .set({ callbackUrl: `http://127.0.0.1:${port}/cb` })
      .where(eq(sandboxStkPrompts.id, prompt.id));
    const result = await respondToPrompt(handle.db, prompt.id, 'pin');
    expect(result).toMatchObject({ answered: true, delivered: false });
    expect(result.error).toMatch(/failed/);
  });

  it('refuses an id that is not a prompt', async () => {
    expect(await respondToPrompt(handle.db, 'not-a-uuid', 'pin')).toMatchObject({ delivered: false });
    const missing = await respondToPrompt(handle.db, '00000000-0000-4000-8000-000000000000', 'pin');
    expect(missing).toMatchObject({ delivered: false, error: 'No such prompt.' });
  });
});

describe('listPrompts', () => {
  it('lists the prompts of one number, newest first', async () => {
    const older = await pushPrompt({ phone: '254711000001', now: new Date('2026-09-01T08:00:00Z') });
    const newer = await pushPrompt({ phone: '254711000001', now: new Date('2026-09-01T08:05:00Z') });
    await pushPrompt({ phone: '254711000002' });
    const list = await listPrompts(handle.db, '254711000001');
    expect(list.map((p) => p.id)).toEqual([newer.id, older.id]);
    expect((await listPrompts(handle.db)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('expireUnansweredPrompts', () => {
  it('answers prompts open longer than the limit with 1037 and delivers their callbacks', async () => {
    const now = new Date();
    // Close anything left open by earlier tests so only these two count.
    await expireUnansweredPrompts(handle.db, 0, { now: () => new Date(now.getTime() + 1000) });
    received = [];

    const stale = await pushPrompt({ phone: '254722000111', now: new Date(now.getTime() - 61_000), path: '/cb/stale' });
    const fresh = await pushPrompt({ phone: '254722000222', now: new Date(now.getTime() - 5_000), path: '/cb/fresh' });
    expect(await expireUnansweredPrompts(handle.db, 60, { now: () => now })).toBe(1);
    expect(received.map((r) => r.url)).toEqual(['/cb/stale']);
    expect(received[0]!.body).toContain('"ResultCode":1037,"ResultDesc":"No response from user."');

    const rows = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.id, stale.id));
    expect(rows[0]?.resultCode).toBe('1037');
    const freshRow = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.id, fresh.id));
    expect(freshRow[0]?.resultCode).toBeNull();

    // A second sweep finds nothing new to send.
    expect(await expireUnansweredPrompts(handle.db, 60, { now: () => now })).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('is exported as the sandbox.daraja.expire-prompts job', async () => {
    const job = sandboxJobHandlers['sandbox.daraja.expire-prompts'];
    expect(job).toBeTypeOf('function');
    const prompt = await pushPrompt({ now: new Date(Date.now() - 120_000), path: '/cb/job' });
    expect(await job!(handle.db as never, {} as never)).toMatchObject({ done: false });
    const [row] = await handle.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.id, prompt.id));
    expect(row?.resultCode).toBe('1037');
    expect(received.some((r) => r.url === '/cb/job')).toBe(true);
  });
});

describe('receiptNumber', () => {
  it('encodes the Nairobi date in its first three letters (§6.4)', () => {
    expect(receiptNumber(new Date('2026-12-31T12:00:00Z'))).toMatch(/^ULV[A-Z0-9]{7}$/);
    expect(receiptNumber(new Date('2018-01-09T12:00:00Z'))).toMatch(/^MA9[A-Z0-9]{7}$/);
    expect(receiptNumber(new Date('2024-10-10T12:00:00Z'))).toMatch(/^SJA[A-Z0-9]{7}$/);
  });
});
