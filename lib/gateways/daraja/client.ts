/**
 * Typed client for Daraja M-Pesa Express: OAuth, STK Push and STK Query (docs/daraja.md §2, §3, §5).
 *
 * Two rules shape everything here:
 * - A push is never retried automatically, except once after a stale-token rejection, which the
 *   gateway answers before M-Pesa acts (docs/daraja.md §2 "Token caching"). Anything else could double-charge,
 *   because Daraja has no idempotency (docs/daraja.md §3.5).
 * - When we cannot tell whether a prompt went out (timeout, network error, non-JSON body,
 *   500.003.1001), the push result is `unknown`, never a failure (docs/daraja.md §3.6 "Retry safety").
 */
import { createHash } from 'node:crypto';

import { timeGatewayCall } from '@/lib/metrics';

import type { DarajaConfig } from './config';
import { callbackUrlShapeProblem } from './config';
import { darajaTimestamp, stkPassword } from './password';
import { normalizeResultCode } from './result-codes';
import {
  type DarajaError,
  darajaErrorSchema,
  oauthTokenSchema,
  stkPushAckSchema,
  stkQueryAnswerSchema,
} from './schemas';

// ---------------------------------------------------------------------------------------------
// Public types

export interface TokenStore {
  get(key: string): Promise<{ token: string; expiresAt: Date } | null>;
  set(key: string, token: string, expiresAt: Date): Promise<void>;
  clear(key: string): Promise<void>;
}

export type StkPushResult =
  | { ok: true; merchantRequestId: string; checkoutRequestId: string; customerMessage: string }
  | {
      ok: false;
      /**
       * rejected: refused, no prompt was created, and the same request would fail again.
       * retryable: refused, no prompt was created; a new push later may work.
       * unknown: we cannot tell whether a prompt was sent. Do not push again until a callback or
       * a few minutes have passed (docs/daraja.md §3.6).
       */
      kind: 'rejected' | 'retryable' | 'unknown';
      code: string;
      /** Plain language for the payer. */
      message: string;
      /** For logs. Never contains credentials or tokens. */
      detail: string;
    };

export type StkQueryResult =
  | { state: 'final'; resultCode: string; resultDesc: string }
  /** 200 with ResultCode "4999", or the older 500 "The transaction is being processed" (docs/daraja.md §5). */
  | { state: 'pending'; resultCode: string }
  /**
   * 5xx, timeouts, non-JSON, "does not Exist" 500s: no information, ask again later (docs/daraja.md §5).
   * `notFound`: Daraja said it does not know the CheckoutRequestID. It also says so intermittently
   * for IDs it knows, so one such answer proves nothing; a caller may stop after several.
   */
  | { state: 'no_answer'; detail: string; notFound?: true };

export type StkPushInput = {
  /** 12-digit MSISDN, `2547…` or `2541…` (see normalizeKenyanPhone). */
  phone: string;
  /** Whole shillings, 1..250000. */
  amountKes: number;
  accountReference: string;
  description: string;
  callbackUrl: string;
};

export type DarajaClientOptions = {
  tokenStore?: TokenStore;
  /** Per HTTP call, covering connection and body. Default 15 s. */
  timeoutMs?: number;
  now?: () => Date;
};

/** Thrown by getToken when Daraja does not hand out a token. `status` is null when no HTTP answer came. */
export class DarajaAuthError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly errorCode: string | null,
  ) {
    super(message);
    this.name = 'DarajaAuthError';
  }
}

// ---------------------------------------------------------------------------------------------
// Constants and payer-facing messages

const DEFAULT_TIMEOUT_MS = 15_000;
/** Refresh when fewer than about 5 minutes remain (docs/daraja.md §2). */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** Amount limits per transaction (docs/daraja.md §3.2): minimum 1, maximum 250,000 whole shillings. */
const MIN_AMOUNT_KES = 1;
const MAX_AMOUNT_KES = 250_000;
const ACCOUNT_REFERENCE_MAX = 12; // docs/daraja.md §3.2: documented maximum, alphanumeric
const TRANSACTION_DESC_MAX = 13; // docs/daraja.md §3.2: documented maximum; omitting it is rejected (docs/daraja.md §12.10)
const MSISDN = /^254[17]\d{8}$/;

const MESSAGES = {
  phone: 'M-Pesa did not accept this phone number. Check the number and try again.',
  amount: 'M-Pesa did not accept this amount. Please contact us.',
  rejected: 'We could not start the M-Pesa payment. Please try again later or contact us.',
  unavailable: 'M-Pesa payments are not available right now. Please try again later or contact us.',
  subscriberLocked: 'You have another M-Pesa prompt open. Finish or cancel it, wait a minute, then try again.',
  busy: 'M-Pesa is busy right now. Please try again in a few minutes.',
  unreachable: 'We could not reach M-Pesa right now. Please try again in a few minutes.',
  unknown:
    'We could not confirm whether M-Pesa sent you a prompt. If one appears, complete it. Otherwise wait a few minutes before trying again.',
} as const;

// ---------------------------------------------------------------------------------------------
// Token store

/** Process-local store, for tests and single-instance use. Production should share one via PostgreSQL (docs/daraja.md §2). */
export function memoryTokenStore(): TokenStore {
  const tokens = new Map<string, { token: string; expiresAt: Date }>();
  return {
    async get(key) {
      const entry = tokens.get(key);
      return entry ? { token: entry.token, expiresAt: new Date(entry.expiresAt) } : null;
    },
    async set(key, token, expiresAt) {
      tokens.set(key, { token, expiresAt: new Date(expiresAt) });
    },
    async clear(key) {
      tokens.delete(key);
    },
  };
}

/**
 * One token per environment and credential set (docs/daraja.md §2). The consumer key is hashed so the store
 * (a database row) does not hold it in clear.
 */
function tokenStoreKey(config: DarajaConfig): string {
  const keyHash = createHash('sha256').update(config.consumerKey).digest('hex').slice(0, 16);
  return `daraja-token:${config.apiUrl}:${keyHash}`;
}

/**
 * In-flight OAuth refreshes, keyed by token key and shared by every client in this process, so
 * concurrent callers wait on one request instead of each fetching (and possibly invalidating,
 * docs/daraja.md §2 UNCERTAIN) a token. Keyed by the token key rather than by store object because callers may
 * build a client (and a store wrapper) per request; one key means one credential set and
 * environment, so sharing the answer is correct. Across instances, the shared store does the rest.
 */
const inFlightRefreshes = new Map<string, Promise<string>>();

// ---------------------------------------------------------------------------------------------
// HTTP

type JsonParse = { ok: true; value: unknown } | { ok: false };

type HttpAnswer =
  | { kind: 'response'; status: number; body: string; json: JsonParse }
  | { kind: 'no_response'; reason: 'timeout' | 'network'; detail: string };

function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Never throws: every failure to get a complete answer becomes `no_response`. Timed per endpoint. */
function send(url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  return timeGatewayCall('daraja', darajaEndpoint(url), () => sendOnce(url, init, timeoutMs), httpOutcome);
}

/** The endpoint as a metric label: the path without query or ids (e.g. /mpesa/stkpush/v1/processrequest). */
const darajaEndpoint = (url: string) => new URL(url).pathname.replace(/^\/api\/sandbox\/daraja/, '') || '/';
const httpOutcome = (a: HttpAnswer) => (a.kind === 'no_response' ? a.reason : a.status < 400 ? 'ok' : `http_${Math.floor(a.status / 100)}xx`);

async function sendOnce(url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return { kind: 'response', status: response.status, body, json: parseJson(body) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    const detail = error instanceof Error ? `${error.name}: ${error.message}${cause}` : String(error);
    return { kind: 'no_response', reason, detail };
  }
}

const snippet = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
};

/** "Invalid Access Token - <token>" echoes the token (docs/daraja.md §10.4); keep it out of logs. */
const redactToken = (message: string): string =>
  message.replace(/(invalid access token\s*-\s*)\S+/gi, '$1[redacted]');

function errorBodyOf(answer: HttpAnswer): DarajaError | null {
  if (answer.kind !== 'response' || !answer.json.ok) return null;
  const parsed = darajaErrorSchema.safeParse(answer.json.value);
  return parsed.success ? parsed.data : null;
}

function describeError(status: number, error: DarajaError): string {
  const requestId = error.requestId ? ` (requestId ${error.requestId})` : '';
  return `HTTP ${status} ${error.errorCode} ${redactToken(error.errorMessage)}${requestId}`;
}

/** docs/daraja.md §2 / §3.6: 404.001.03, 401.002.01 "Invalid Access Token", or any 401 from the gateway. */
function isStaleTokenAnswer(answer: HttpAnswer): boolean {
  if (answer.kind !== 'response') return false;
  if (answer.status === 401) return true;
  const error = errorBodyOf(answer);
  return error !== null && (error.errorCode === '404.001.03' || /invalid access token/i.test(error.errorMessage));
}

// ---------------------------------------------------------------------------------------------
// Request field sanitising (docs/daraja.md §3.2, §12.9)

/** AccountReference: alphanumeric only, at most 12 characters. Special characters fail silently. */
export function sanitizeAccountReference(reference: string): string {
  return reference.replace(/[^A-Za-z0-9]/g, '').slice(0, ACCOUNT_REFERENCE_MAX);
}

/** TransactionDesc: 1–13 plain characters, always sent (omitting it gives "Invalid Remarks"). */
export function sanitizeTransactionDesc(description: string): string {
  const plain = description
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, TRANSACTION_DESC_MAX)
    .trim();
  return plain === '' ? 'Payment' : plain;
}

function assertValidPushInput(input: StkPushInput): void {
  if (!Number.isInteger(input.amountKes) || input.amountKes < MIN_AMOUNT_KES || input.amountKes > MAX_AMOUNT_KES) {
    // Whole shillings only: how Daraja treats 1.5 is UNCERTAIN, so we never send one (docs/daraja.md §3.2).
    throw new RangeError(
      `amountKes must be a whole number of shillings from ${MIN_AMOUNT_KES} to ${MAX_AMOUNT_KES}, got ${input.amountKes}`,
    );
  }
  if (!MSISDN.test(input.phone)) {
    throw new TypeError('phone must be a normalised 12-digit MSISDN (2547… or 2541…); use normalizeKenyanPhone');
  }
  if (sanitizeAccountReference(input.accountReference) === '') {
    throw new TypeError('accountReference must contain at least one letter or digit');
  }
  // Only the shape is enforced here. The forbidden-word rule (docs/daraja.md §3.4) is checked on the configured
  // base URL (config.ts); per-payment suffixes are the caller's, and the rule is not enforced by
  // the sandbox and UNCERTAIN in production, so a chance match must not block a payment.
  const problem = callbackUrlShapeProblem(input.callbackUrl);
  if (problem) throw new TypeError(`callbackUrl ${problem}`);
}

// ---------------------------------------------------------------------------------------------
// Classifying STK Push answers (docs/daraja.md §3.5, §3.6)

type PushFailure = Extract<StkPushResult, { ok: false }>;

const fail = (kind: PushFailure['kind'], code: string, message: string, detail: string): PushFailure => ({
  ok: false,
  kind,
  code,
  message,
  detail,
});

function classifyPushError(status: number, error: DarajaError): PushFailure {
  const { errorCode, errorMessage } = error;
  const detail = describeError(status, error);

  // Still stale after one refresh: credentials or product binding, not the payer (docs/daraja.md §2, §12.4).
  if (errorCode === '404.001.03' || /invalid access token/i.test(errorMessage) || status === 401) {
    return fail('rejected', errorCode, MESSAGES.unavailable, detail);
  }
  if (errorCode.startsWith('400.')) {
    // 400.002.02 names the failing field: "Bad Request - Invalid <Field>" (docs/daraja.md §3.6).
    const field = /invalid\s+(\w+)/i.exec(errorMessage)?.[1]?.toLowerCase();
    if (field === 'phonenumber' || field === 'partya') return fail('rejected', errorCode, MESSAGES.phone, detail);
    if (field === 'amount') return fail('rejected', errorCode, MESSAGES.amount, detail);
    return fail('rejected', errorCode, MESSAGES.rejected, detail);
  }
  if (errorCode === '500.001.1001') {
    // The same code covers three different refusals; none created a prompt (docs/daraja.md §3.6 "Retry safety").
    if (/unable to lock subscriber/i.test(errorMessage)) {
      return fail('retryable', errorCode, MESSAGES.subscriberLocked, detail);
    }
    if (/wrong credentials|merchant does not exist/i.test(errorMessage)) {
      return fail('rejected', errorCode, MESSAGES.unavailable, detail);
    }
    return fail('retryable', errorCode, MESSAGES.busy, detail);
  }
  // 500.003.1001 "Internal Server Error": whether anything happened is UNCERTAIN (docs/daraja.md §3.6).
  if (errorCode === '500.003.1001') return fail('unknown', errorCode, MESSAGES.unknown, detail);
  // Spike arrest, "System is busy", quota: refused before M-Pesa; retry with backoff (docs/daraja.md §3.6, §9).
  if (errorCode.startsWith('500.003.') || status === 429) return fail('retryable', errorCode, MESSAGES.busy, detail);
  // Other gateway 4xx (404.001.01 wrong URL, 405.001 wrong method): refused before M-Pesa.
  if (status >= 400 && status < 500) return fail('rejected', errorCode, MESSAGES.rejected, detail);
  return fail('unknown', errorCode, MESSAGES.unknown, detail);
}

function classifyPushAnswer(answer: HttpAnswer): StkPushResult {
  if (answer.kind === 'no_response') {
    const code = answer.reason === 'timeout' ? 'TIMEOUT' : 'NETWORK_ERROR';
    return fail('unknown', code, MESSAGES.unknown, `STK push got no answer: ${answer.detail}`);
  }
  const { status, body, json } = answer;
  if (status === 401) {
    // Still unauthorised after the one token refresh. The gateway refuses before M-Pesa sees the
    // request, whatever the body looks like (its exact shape is UNCERTAIN, docs/daraja.md §2).
    const error = errorBodyOf(answer);
    const detail = error ? describeError(status, error) : `HTTP 401: ${snippet(redactToken(body))}`;
    return fail('rejected', error?.errorCode ?? 'HTTP_401', MESSAGES.unavailable, detail);
  }
  if (!json.ok) {
    // HTML or empty bodies from the gateway/CDN are "no answer", not a decision (docs/daraja.md §4).
    return fail('unknown', 'NON_JSON', MESSAGES.unknown, `HTTP ${status}, non-JSON body: ${snippet(body)}`);
  }

  const ack = stkPushAckSchema.safeParse(json.value);
  if (ack.success) {
    // Only the string "0" means accepted (docs/daraja.md §3.5). A CheckoutRequestID with any other code is not a
    // documented answer, so we cannot rule out a prompt: unknown, with the ID kept for the logs.
    if (status === 200 && ack.data.ResponseCode === '0') {
      return {
        ok: true,
        merchantRequestId: ack.data.MerchantRequestID,
        checkoutRequestId: ack.data.CheckoutRequestID,
        customerMessage: ack.data.CustomerMessage ?? ack.data.ResponseDescription ?? '',
      };
    }
    return fail(
      'unknown',
      `RESPONSE_CODE_${String(ack.data.ResponseCode)}`,
      MESSAGES.unknown,
      `HTTP ${status}, ResponseCode ${JSON.stringify(ack.data.ResponseCode)} for CheckoutRequestID ${ack.data.CheckoutRequestID}: ${ack.data.ResponseDescription ?? ''}`,
    );
  }

  const error = errorBodyOf(answer);
  if (error) return classifyPushError(status, error);
  if (status === 429) return fail('retryable', 'HTTP_429', MESSAGES.busy, `HTTP 429: ${snippet(body)}`);
  return fail('unknown', `HTTP_${status}`, MESSAGES.unknown, `HTTP ${status}, unexpected body: ${snippet(body)}`);
}

function pushFailureFromTokenError(error: unknown): PushFailure {
  const detail = `No token, so no push was sent: ${error instanceof Error ? error.message : String(error)}`;
  // A 4xx from OAuth is our credentials or product setup: trying again will not help (docs/daraja.md §2).
  if (error instanceof DarajaAuthError && error.status !== null && error.status >= 400 && error.status < 500) {
    return fail('rejected', error.errorCode ?? `OAUTH_HTTP_${error.status}`, MESSAGES.unavailable, detail);
  }
  return fail('retryable', 'OAUTH_UNAVAILABLE', MESSAGES.unreachable, detail);
}

// ---------------------------------------------------------------------------------------------
// Classifying STK Query answers (docs/daraja.md §5)

function classifyQueryAnswer(answer: HttpAnswer): StkQueryResult {
  if (answer.kind === 'no_response') {
    return { state: 'no_answer', detail: `STK query got no answer: ${answer.detail}` };
  }
  const { status, body, json } = answer;
  if (!json.ok) return { state: 'no_answer', detail: `HTTP ${status}, non-JSON body: ${snippet(body)}` };

  if (status === 200) {
    const parsed = stkQueryAnswerSchema.safeParse(json.value);
    if (parsed.success) {
      const resultCode = normalizeResultCode(parsed.data.ResultCode);
      // 4999 "still under processing" is NOT a failure (docs/daraja.md §5, §12.3).
      if (resultCode === '4999') return { state: 'pending', resultCode };
      return { state: 'final', resultCode, resultDesc: parsed.data.ResultDesc ?? '' };
    }
    return { state: 'no_answer', detail: `HTTP 200 without a ResultCode: ${snippet(body)}` };
  }

  const error = errorBodyOf(answer);
  // The older in-progress shape: HTTP 500, 500.001.1001 "The transaction is being processed" (docs/daraja.md §5).
  if (error && status >= 500 && /being processed/i.test(error.errorMessage)) {
    return { state: 'pending', resultCode: error.errorCode };
  }
  // Everything else, including "The transaction does not Exist" (which also comes back
  // intermittently for valid IDs), says nothing about the payment (docs/daraja.md §5).
  const detail = error ? describeError(status, error) : `HTTP ${status}: ${snippet(body)}`;
  return error && /does not exist/i.test(error.errorMessage) ? { state: 'no_answer', detail, notFound: true } : { state: 'no_answer', detail };
}

// ---------------------------------------------------------------------------------------------
// The client

export type C2bRegisterInput = { shortCode: string; responseType: 'Completed' | 'Cancelled'; confirmationUrl: string; validationUrl: string };
/** `alreadyRegistered`: production registers once; a second call is refused, and that is fine. */
export type C2bRegisterResult = { ok: true; alreadyRegistered: boolean; detail: string } | { ok: false; detail: string };

export type DarajaClient = {
  getToken(): Promise<string>;
  stkPush(input: StkPushInput): Promise<StkPushResult>;
  stkQuery(checkoutRequestId: string): Promise<StkQueryResult>;
  registerC2bUrls(input: C2bRegisterInput): Promise<C2bRegisterResult>;
};

export function createDarajaClient(config: DarajaConfig, opts: DarajaClientOptions = {}): DarajaClient {
  const tokenStore = opts.tokenStore ?? memoryTokenStore();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = opts.now ?? (() => new Date());
  const apiUrl = config.apiUrl.replace(/\/+$/, '');
  const tokenKey = tokenStoreKey({ ...config, apiUrl });

  async function fetchToken(): Promise<string> {
    const requestedAt = now().getTime();
    const basic = Buffer.from(`${config.consumerKey}:${config.consumerSecret}`, 'utf8').toString('base64');
    const answer = await send(
      `${apiUrl}/oauth/v1/generate?grant_type=client_credentials`,
      { method: 'GET', headers: { Authorization: `Basic ${basic}`, Accept: 'application/json' } },
      timeoutMs,
    );
    if (answer.kind === 'no_response') {
      throw new DarajaAuthError(`Daraja OAuth got no answer (${answer.reason}): ${answer.detail}`, null, null);
    }
    if (answer.status !== 200) {
      // OAuth errors may come with an EMPTY body (2026, wrong key or wrong environment, docs/daraja.md §2).
      const error = errorBodyOf(answer);
      const what = error
        ? `${error.errorCode} ${error.errorMessage}`
        : answer.body.trim() === ''
          ? 'an empty body (usually a wrong consumer key/secret, or credentials for another environment)'
          : snippet(answer.body);
      throw new DarajaAuthError(
        `Daraja OAuth failed with HTTP ${answer.status}: ${what}`,
        answer.status,
        error?.errorCode ?? null,
      );
    }
    const parsed = answer.json.ok ? oauthTokenSchema.safeParse(answer.json.value) : null;
    if (!parsed?.success) {
      throw new DarajaAuthError(`Daraja OAuth answered 200 without a usable token: ${snippet(answer.body)}`, 200, null);
    }
    const expiresAt = new Date(requestedAt + parsed.data.expires_in * 1000);
    await tokenStore.set(tokenKey, parsed.data.access_token, expiresAt);
    return parsed.data.access_token;
  }

  function refreshTokenOnce(): Promise<string> {
    const inFlight = inFlightRefreshes.get(tokenKey);
    if (inFlight) return inFlight;
    const refresh = fetchToken().finally(() => inFlightRefreshes.delete(tokenKey));
    inFlightRefreshes.set(tokenKey, refresh);
    return refresh;
  }

  async function getToken(): Promise<string> {
    const cached = await tokenStore.get(tokenKey);
    if (cached && cached.expiresAt.getTime() - now().getTime() > TOKEN_REFRESH_MARGIN_MS) return cached.token;
    return refreshTokenOnce();
  }

  /**
   * POSTs JSON with a bearer token. On a stale-token answer it drops the token and tries exactly
   * once more with a fresh one (docs/daraja.md §2). `buildBody` runs per attempt so each carries its own
   * Timestamp/Password pair. Throws only when no token can be had (nothing was sent then).
   */
  async function authorizedPost(path: string, buildBody: () => Record<string, unknown>): Promise<HttpAnswer> {
    const url = `${apiUrl}${path}`;
    for (let attempt = 1; ; attempt++) {
      const token = await getToken();
      const answer = await send(
        url,
        {
          method: 'POST',
          // Without this header Daraja answers a misleading "Invalid BusinessShortCode" (docs/daraja.md §1).
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(buildBody()),
        },
        timeoutMs,
      );
      if (attempt > 1 || !isStaleTokenAnswer(answer)) return answer;
      // Only drop the token we used: a concurrent caller may already have stored a fresh one.
      const current = await tokenStore.get(tokenKey);
      if (current?.token === token) await tokenStore.clear(tokenKey);
    }
  }

  /** BusinessShortCode + Password + Timestamp, all from ONE timestamp (docs/daraja.md §3.2). */
  function credentials(): { Password: string; Timestamp: string } {
    const timestamp = darajaTimestamp(now());
    return { Password: stkPassword(config.shortcode, config.passkey, timestamp), Timestamp: timestamp };
  }

  async function stkPush(input: StkPushInput): Promise<StkPushResult> {
    assertValidPushInput(input);
    const accountReference = sanitizeAccountReference(input.accountReference);
    const transactionDesc = sanitizeTransactionDesc(input.description);

    let answer: HttpAnswer;
    try {
      answer = await authorizedPost('/mpesa/stkpush/v1/processrequest', () => ({
        // Numbers for the numeric fields: our choice in docs/daraja.md §3.1 (both forms are accepted).
        BusinessShortCode: Number(config.shortcode),
        ...credentials(),
        TransactionType: config.transactionType,
        Amount: input.amountKes,
        PartyA: Number(input.phone),
        PartyB: Number(config.partyB),
        PhoneNumber: Number(input.phone),
        CallBackURL: input.callbackUrl,
        AccountReference: accountReference,
        TransactionDesc: transactionDesc,
      }));
    } catch (error) {
      return pushFailureFromTokenError(error);
    }
    return classifyPushAnswer(answer);
  }

  async function stkQuery(checkoutRequestId: string): Promise<StkQueryResult> {
    const id = checkoutRequestId.trim();
    if (id === '') throw new TypeError('checkoutRequestId is required');
    let answer: HttpAnswer;
    try {
      answer = await authorizedPost('/mpesa/stkpushquery/v1/query', () => ({
        // Safaricom's query example sends the shortcode as a string (docs/daraja.md §5).
        BusinessShortCode: config.shortcode,
        ...credentials(),
        CheckoutRequestID: id,
      }));
    } catch (error) {
      return { state: 'no_answer', detail: `No token, so no query was sent: ${error instanceof Error ? error.message : String(error)}` };
    }
    return classifyQueryAnswer(answer);
  }

  /** C2B Register URL v1 (docs/daraja.md §10.3; Safaricom support asks for v1, not v2). */
  async function registerC2bUrls(input: C2bRegisterInput): Promise<C2bRegisterResult> {
    let answer: HttpAnswer;
    try {
      answer = await authorizedPost('/mpesa/c2b/v1/registerurl', () => ({
        ShortCode: input.shortCode,
        ResponseType: input.responseType,
        ConfirmationURL: input.confirmationUrl,
        ValidationURL: input.validationUrl,
      }));
    } catch (error) {
      return { ok: false, detail: `No token, so nothing was registered: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (answer.kind === 'no_response') return { ok: false, detail: `No answer (${answer.reason}): ${answer.detail}` };
    const body = answer.json.ok ? (answer.json.value as Record<string, unknown>) : null;
    if (answer.status === 200 && body && String(body.ResponseCode) === '0') return { ok: true, alreadyRegistered: false, detail: String(body.ResponseDescription ?? 'success') };
    const error = errorBodyOf(answer);
    const text = error ? describeError(answer.status, error) : `HTTP ${answer.status} ${snippet(answer.body)}`;
    // The wording of a repeat registration is not documented (UNCERTAIN): recognised loosely.
    if (/already (been )?registered|duplicate/i.test(text)) return { ok: true, alreadyRegistered: true, detail: text };
    return { ok: false, detail: text };
  }

  return { getToken, stkPush, stkQuery, registerC2bUrls };
}
