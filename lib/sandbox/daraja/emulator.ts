/**
 * Malipo's built-in Daraja sandbox: the HTTP surface of OAuth, STK Push and STK Query, speaking the
 * exact wire formats of docs/daraja.md (docs/daraja.md §2, §3, §5, §6.4) so the real Daraja client runs against it
 * unchanged. The phone side (answers, callbacks) lives in ./phone.ts.
 *
 * Fault-injection numbers (PhoneNumber of an STK push; also listed on /sandbox/phone):
 *   254700000500 → HTTP 500 `500.003.1001` "Internal Server Error" (no prompt created)
 *   254700000429 → HTTP 500 `500.003.02` "Error Occurred: Spike Arrest Violation" (no prompt)
 *   254700000423 → HTTP 500 `500.001.1001` "Unable to lock subscriber, …" (no prompt)
 *   254700000408 → the prompt IS created, but the ack comes only after 20 s (client timeouts:
 *                  the push happened even though the caller may never see the CheckoutRequestID)
 *   254708374149 → the public test MSISDN: nobody answers, so it ends as 1037 (docs/daraja.md §8) unless a tester
 *                  answers it on the phone page first.
 * STK Query answers a known id with the old 500 "The transaction is being processed" at the rate
 * SANDBOX_DARAJA_QUERY_FLAKE_RATE (0..1, default 0), as the shared sandbox does (docs/daraja.md §5).
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';

import type { Queryable } from '@/db/client';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { serverSecret } from '@/lib/env';
import { darajaTimestamp, stkPassword } from '@/lib/gateways/daraja/password';
import { saveC2bRegistration } from './c2b';
import { queryResultDesc } from './phone';

export const SANDBOX_CONSUMER_KEY = 'sandbox-key';
export const SANDBOX_CONSUMER_SECRET = 'sandbox-secret';
/** Public sandbox paybill and passkey (docs/daraja.md §8). */
export const SANDBOX_SHORTCODE = '174379';
export const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
export const SANDBOX_TEST_MSISDN = '254708374149';

export const FAULT_NUMBERS = {
  internalError: '254700000500',
  spikeArrest: '254700000429',
  subscriberLocked: '254700000423',
  slowAck: '254700000408',
} as const;
const SLOW_ACK_MS = 20_000;

export type EmulatorDeps = {
  db: Queryable;
  now?: () => Date;
  /** Injectable for tests of the slow-ack fault number. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests of the query flake. */
  random?: () => number;
};

type Handler = (req: Request, deps: EmulatorDeps) => Promise<Response>;

const ROUTES = new Map<string, { method: 'GET' | 'POST'; handle: Handler }>([
  ['oauth/v1/generate', { method: 'GET', handle: oauth }],
  ['mpesa/stkpush/v1/processrequest', { method: 'POST', handle: stkPush }],
  ['mpesa/stkpushquery/v1/query', { method: 'POST', handle: stkQuery }],
  ['mpesa/c2b/v1/registerurl', { method: 'POST', handle: c2bRegisterUrl }],
]);

export async function handleDarajaSandbox(req: Request, pathParts: string[], deps: EmulatorDeps): Promise<Response> {
  const route = ROUTES.get(pathParts.filter(Boolean).join('/'));
  if (!route) return darajaError(404, '404.001.01', 'Resource not found');
  // docs/daraja.md §1: OAuth is a GET, every other API a POST; anything else is 405.001.
  if (req.method !== route.method) return darajaError(405, '405.001', 'Method Not Allowed');
  return route.handle(req, deps);
}

// ---------------------------------------------------------------------------------------------
// Bodies and ids

/** Current-style requestId / MerchantRequestID (docs/daraja.md §6.4): a v4 UUID minus its first group, + digits. */
export function darajaRequestId(): string {
  return crypto.randomUUID().slice(9) + String(crypto.randomInt(1000, 10_000_000));
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** docs/daraja.md §3.6: errors use camelCase keys, unlike the PascalCase success bodies. */
function darajaError(status: number, errorCode: string, errorMessage: string, requestId = darajaRequestId()) {
  return json(status, { requestId, errorCode, errorMessage });
}

const badRequest = (field: string) => darajaError(400, '400.002.02', `Bad Request - Invalid ${field}`);
const invalidToken = () => darajaError(404, '404.001.03', 'Invalid Access Token');

/** `ws_CO_` + DDMMYYYYHHmmss (Nairobi) + ms (not zero-padded) + last 9 digits of the MSISDN (docs/daraja.md §6.4). */
export function checkoutRequestId(at: Date, msisdn: string, ms = at.getUTCMilliseconds()): string {
  const t = darajaTimestamp(at); // YYYYMMDDHHmmss
  return `ws_CO_${t.slice(6, 8)}${t.slice(4, 6)}${t.slice(0, 4)}${t.slice(8)}${ms}${msisdn.slice(-9)}`;
}

// ---------------------------------------------------------------------------------------------
// OAuth (docs/daraja.md §2). Tokens are stateless so any app instance accepts them without shared memory:
// 7 base36 chars of the issue second + 21 base62 chars of an HMAC over it = 28 alphanumerics.

const TOKEN_TTL_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 60;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function tokenMac(issued: string): string {
  const digest = crypto.createHmac('sha256', serverSecret()).update(`daraja-sandbox-token:${issued}`).digest('hex');
  let n = BigInt(`0x${digest}`);
  let out = '';
  while (out.length < 21) {
    out += BASE62[Number(n % 62n)];
    n /= 62n;
  }
  return out;
}

export function issueAccessToken(now: Date): string {
  const issued = Math.floor(now.getTime() / 1000).toString(36).padStart(7, '0');
  return issued + tokenMac(issued);
}

export function accessTokenValid(token: string, now: Date): boolean {
  if (!/^[0-9a-z]{7}[0-9A-Za-z]{21}$/.test(token)) return false;
  const issued = token.slice(0, 7);
  if (!safeEqual(token.slice(7), tokenMac(issued))) return false;
  const age = now.getTime() / 1000 - parseInt(issued, 36);
  return age >= -CLOCK_SKEW_SECONDS && age <= TOKEN_TTL_SECONDS;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

async function oauth(req: Request, deps: EmulatorDeps): Promise<Response> {
  if (new URL(req.url).searchParams.get('grant_type') !== 'client_credentials') {
    return darajaError(400, '400.008.02', 'Invalid grant type passed');
  }
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.get('authorization')?.trim() ?? '');
  if (!basic?.[1]) return darajaError(400, '400.008.01', 'Invalid authentication type passed');
  const credentials = Buffer.from(basic[1], 'base64').toString('utf8');
  // Wrong key or secret: HTTP 400 with an EMPTY body, as observed in 2026 (docs/daraja.md §2).
  if (!safeEqual(credentials, `${SANDBOX_CONSUMER_KEY}:${SANDBOX_CONSUMER_SECRET}`)) {
    return new Response(null, { status: 400 });
  }
  const now = deps.now?.() ?? new Date();
  // expires_in is the STRING "3599" on the wire (docs/daraja.md §2).
  return json(200, { access_token: issueAccessToken(now), expires_in: '3599' });
}

function bearerValid(req: Request, now: Date): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization')?.trim() ?? '');
  return !!bearer?.[1] && accessTokenValid(bearer[1], now);
}

/** The parsed JSON object, or null when Content-Type is not JSON or the body is not an object. */
async function jsonBody(req: Request): Promise<Record<string, unknown> | null> {
  if (!/^application\/json\s*(;|$)/i.test(req.headers.get('content-type')?.trim() ?? '')) return null;
  try {
    const value: unknown = JSON.parse(await req.text());
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Field rules (docs/daraja.md §3.2). Numbers and numeric strings are both accepted (docs/daraja.md §3.1).

const digits = (re: RegExp) => z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(re));
const text = (max: number) => z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1).max(max));

const shortcodeRule = digits(/^\d{5,7}$/);
const msisdnRule = digits(/^254[17]\d{8}$/);
const callbackUrlRule = z.string().refine((raw) => {
  // Spaces and template placeholders (`<…>`) were rejected live (docs/daraja.md §3.4); the host is not resolved.
  if (/[\s<>]/.test(raw)) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
});

/** Fields checked in this order; the first failure names its field in the error message. */
const commonRules: Array<[string, string, z.ZodType]> = [
  ['BusinessShortCode', 'BusinessShortCode', shortcodeRule],
  ['Password', 'Password', z.string().min(1)],
  ['Timestamp', 'Timestamp', digits(/^\d{14}$/)],
];

const pushRules: Array<[string, string, z.ZodType]> = [
  ...commonRules,
  ['TransactionType', 'TransactionType', z.enum(['CustomerPayBillOnline', 'CustomerBuyGoodsOnline'])],
  [
    'Amount',
    'Amount',
    // Whole shillings, 1..250,000 (docs/daraja.md §3.2); a decimal such as 1.5 is refused here.
    z
      .union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)])
      .pipe(z.number().int().min(1).max(250_000)),
  ],
  ['PartyA', 'PartyA', msisdnRule],
  ['PartyB', 'PartyB', shortcodeRule],
  ['PhoneNumber', 'PhoneNumber', msisdnRule],
  ['CallBackURL', 'CallBackURL', callbackUrlRule],
  // 12 characters documented, 15 accepted by the 2026 sandbox (docs/daraja.md §3.2): allow some slack.
  ['AccountReference', 'AccountReference', text(20)],
  // "Optional" per the docs, but omitting it is rejected as "Invalid Remarks" (docs/daraja.md §3.2, §12.10).
  ['TransactionDesc', 'Remarks', text(100)],
];

const queryRules: Array<[string, string, z.ZodType]> = [
  ...commonRules,
  ['CheckoutRequestID', 'CheckoutRequestID', z.string().trim().min(1)],
];

type Checked = { ok: true; values: Record<string, string | number> } | { ok: false; response: Response };

/** Gateway-level 400s first, then M-Pesa's own merchant and credential checks (500.001.1001). */
function validate(body: Record<string, unknown>, rules: Array<[string, string, z.ZodType]>): Checked {
  const values: Record<string, string | number> = {};
  for (const [key, field, rule] of rules) {
    const parsed = rule.safeParse(body[key]);
    if (!parsed.success) return { ok: false, response: badRequest(field) };
    values[key] = parsed.data as string | number;
  }
  if (values.BusinessShortCode !== SANDBOX_SHORTCODE) {
    return { ok: false, response: darajaError(500, '500.001.1001', 'Merchant does not exist') };
  }
  const expected = stkPassword(SANDBOX_SHORTCODE, SANDBOX_PASSKEY, String(values.Timestamp));
  if (!safeEqual(String(values.Password), expected)) {
    return { ok: false, response: darajaError(500, '500.001.1001', 'Wrong credentials') };
  }
  return { ok: true, values };
}

async function authorizedBody(req: Request, now: Date): Promise<Record<string, unknown> | Response> {
  if (!bearerValid(req, now)) return invalidToken();
  // No JSON Content-Type: Daraja's misleading "Invalid BusinessShortCode" (docs/daraja.md §1, Safaricom FAQ).
  return (await jsonBody(req)) ?? badRequest('BusinessShortCode');
}

// ---------------------------------------------------------------------------------------------
// C2B Register URL (docs/daraja.md §10.3): where the sandbox's Paybill payments are confirmed.

const c2bUrlRule = callbackUrlRule.refine((raw) => !/m-?pesa|safaricom|exe|cmd|sql|query/i.test(raw));

async function c2bRegisterUrl(req: Request, deps: EmulatorDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  if (!bearerValid(req, now)) return invalidToken();
  const body = await jsonBody(req);
  if (!body) return badRequest('ShortCode');
  if (!shortcodeRule.safeParse(body.ShortCode).success) return badRequest('ShortCode');
  // Sentence case only (docs/daraja.md §10.3).
  if (body.ResponseType !== 'Completed' && body.ResponseType !== 'Cancelled') return badRequest('ResponseType');
  for (const field of ['ConfirmationURL', 'ValidationURL'] as const) {
    // The words of docs/daraja.md §3.4 are refused here, as production does.
    if (!c2bUrlRule.safeParse(body[field]).success) return darajaError(400, '400.002.02', `Bad Request - Invalid ${field}`);
  }
  if (String(body.ShortCode) !== SANDBOX_SHORTCODE) return darajaError(500, '500.001.1001', 'Merchant does not exist');
  await saveC2bRegistration(deps.db, {
    shortCode: SANDBOX_SHORTCODE,
    responseType: body.ResponseType,
    confirmationUrl: String(body.ConfirmationURL),
    validationUrl: String(body.ValidationURL),
  });
  // Safaricom's spelling: OriginatorCoversationID, without the "n".
  return json(200, { OriginatorCoversationID: darajaRequestId(), ResponseCode: '0', ResponseDescription: 'success' });
}

// ---------------------------------------------------------------------------------------------
// STK Push (docs/daraja.md §3)

async function stkPush(req: Request, deps: EmulatorDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const body = await authorizedBody(req, now);
  if (body instanceof Response) return body;
  const checked = validate(body, pushRules);
  if (!checked.ok) return checked.response;
  const v = checked.values;
  const phone = String(v.PhoneNumber);

  if (phone === FAULT_NUMBERS.internalError) return darajaError(500, '500.003.1001', 'Internal Server Error');
  if (phone === FAULT_NUMBERS.spikeArrest) {
    return darajaError(500, '500.003.02', 'Error Occurred: Spike Arrest Violation');
  }
  if (phone === FAULT_NUMBERS.subscriberLocked) {
    return darajaError(
      500,
      '500.001.1001',
      'Unable to lock subscriber, a transaction is already in process for the current subscriber',
    );
  }

  const merchantRequestId = darajaRequestId();
  let checkoutId = '';
  // Two pushes to one phone in the same millisecond would collide on the unique id: pick another ms.
  for (let attempt = 0; attempt < 5 && !checkoutId; attempt++) {
    const candidate = checkoutRequestId(now, phone, attempt === 0 ? undefined : crypto.randomInt(0, 1000));
    const inserted = await deps.db
      .insert(sandboxStkPrompts)
      .values({
        checkoutRequestId: candidate,
        merchantRequestId,
        shortcode: String(v.BusinessShortCode),
        phone,
        amountKes: Number(v.Amount),
        accountReference: String(v.AccountReference),
        description: String(v.TransactionDesc),
        callbackUrl: String(v.CallBackURL),
        createdAt: now,
      })
      .onConflictDoNothing({ target: sandboxStkPrompts.checkoutRequestId })
      .returning({ id: sandboxStkPrompts.id });
    if (inserted.length > 0) checkoutId = candidate;
  }
  if (!checkoutId) return darajaError(500, '500.003.1001', 'Internal Server Error');

  if (phone === FAULT_NUMBERS.slowAck) await (deps.sleep ?? sleep)(SLOW_ACK_MS);

  // docs/daraja.md §3.5, exactly: ResponseCode is the string "0".
  return json(200, {
    MerchantRequestID: merchantRequestId,
    CheckoutRequestID: checkoutId,
    ResponseCode: '0',
    ResponseDescription: 'Success. Request accepted for processing',
    CustomerMessage: 'Success. Request accepted for processing',
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// STK Query (docs/daraja.md §5)

const flakeRateRule = z.coerce.number().min(0).max(1).catch(0);

export function queryFlakeRate(env: NodeJS.ProcessEnv = process.env): number {
  return flakeRateRule.parse(env.SANDBOX_DARAJA_QUERY_FLAKE_RATE ?? 0);
}

async function stkQuery(req: Request, deps: EmulatorDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const body = await authorizedBody(req, now);
  if (body instanceof Response) return body;
  const checked = validate(body, queryRules);
  if (!checked.ok) return checked.response;
  const checkoutId = String(checked.values.CheckoutRequestID);

  const [prompt] = await deps.db
    .select()
    .from(sandboxStkPrompts)
    .where(eq(sandboxStkPrompts.checkoutRequestId, checkoutId))
    .limit(1);
  if (!prompt) return darajaError(500, '500.001.1001', 'The transaction does not Exist');

  // Known ids still get an intermittent 500 on the shared sandbox (observed 4 of 19 polls, docs/daraja.md §5).
  if ((deps.random ?? Math.random)() < queryFlakeRate()) {
    return darajaError(500, '500.001.1001', 'The transaction is being processed', checkoutId);
  }
  if (prompt.resultCode === null) {
    return json(200, { ResultCode: '4999', ResultDesc: 'The transaction is still under processing' });
  }
  // ResultCode is a STRING here, and "successsfully" keeps its wire typo (docs/daraja.md §5).
  return json(200, {
    ResponseCode: '0',
    ResponseDescription: 'The service request has been accepted successsfully',
    MerchantRequestID: prompt.merchantRequestId,
    CheckoutRequestID: prompt.checkoutRequestId,
    ResultCode: prompt.resultCode,
    ResultDesc: queryResultDesc(prompt.resultCode, prompt.resultDesc),
  });
}
