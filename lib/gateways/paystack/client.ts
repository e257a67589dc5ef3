/**
 * Malipo's Paystack client: a thin layer over the `paystack-sdk` package (docs/paystack.md §12)
 * that returns discriminated unions and never lets an SDK type or error escape.
 *
 * Why the layer exists:
 * - The SDK throws on every non-2xx, with an error class that cannot be imported (docs/paystack.md §12.1, §12.3);
 *   we recognise it by shape and turn it into `{ ok: false, … }`.
 * - Its response types do not match the wire (docs/paystack.md §12.4); every body is parsed with ./schemas.
 * - It has no timeout (docs/paystack.md §12.2); we stop waiting after `timeoutMs`, and the dispatcher adds
 *   connection-level timeouts when traffic is rerouted.
 * - Its base URL is fixed (docs/paystack.md §12.2); installPaystackDispatcher() routes it to config.apiUrl.
 * - Path parameters are not URL-encoded (docs/paystack.md §12.2) and an empty reference hits the wrong route
 *   (docs/paystack.md §13.1); references are validated before any call.
 * Amounts are always KES cents, sent as integers with `currency: "KES"` (docs/paystack.md §1).
 */
import Paystack from 'paystack-sdk';

import { appOrigin } from '@/lib/env';
import { timeGatewayCall } from '@/lib/metrics';
import { paystackConfigFromEnv, type PaystackConfig } from './config';
import { installPaystackDispatcher } from './dispatcher';
import {
  chargeAuthorizationResponseSchema,
  errorBodySchema,
  initializeResponseSchema,
  listSettlementsResponseSchema,
  settlementTransactionsResponseSchema,
  type ParsedSettlement,
  refundResponseSchema,
  toSubunit,
  transactionResponseSchema,
  type ParsedRefund,
  type ParsedTransaction,
  type PaystackErrorBody,
} from './schemas';

export type { ParsedRefund, ParsedSettlement, ParsedTransaction } from './schemas';

const CURRENCY = 'KES';
const DEFAULT_TIMEOUT_MS = 20_000;
/** docs/paystack.md §3: only letters, digits, `-`, `.` and `=`. */
export const PAYSTACK_REFERENCE = /^[A-Za-z0-9.=-]+$/;
const MAX_REFERENCE_LENGTH = 100;

// ---------------------------------------------------------------------------------------------
// Public types

/** Why a call did not succeed, in the words of Paystack's `code` when it gave one (docs/paystack.md §2). */
export type PaystackFailure = {
  ok: false;
  /**
   * Paystack's snake_case `code` (`duplicate_reference`, `invalid_amount`, …) when present, else one
   * of ours: `unauthorized`, `duplicate_reference`, `not_found`, `http_<status>`, `timeout`,
   * `network_error`, `invalid_response`, `invalid_reference`.
   */
  code: string;
  /** Paystack's `message`, or a description of what went wrong. Never contains the secret key. */
  message: string;
  /** HTTP status of Paystack's answer; null when none came. */
  httpStatus: number | null;
};

export type InitializeInput = {
  email: string;
  amountMinor: number;
  reference: string;
  callbackUrl: string;
  /** Returned on verify and in webhooks; `cancel_action` is where the checkout's cancel goes (docs/paystack.md §3). */
  metadata?: Record<string, unknown>;
  /** e.g. ['card'] for a card-only checkout (docs/paystack.md §1). */
  channels?: string[];
};

export type InitializeResult =
  | { ok: true; authorizationUrl: string; accessCode: string; reference: string }
  | PaystackFailure;

export type VerifyResult =
  | { ok: true; tx: ParsedTransaction }
  | (PaystackFailure & {
      /** Paystack does not know this reference (400 or 404, docs/paystack.md §5), or it could never exist. */
      notFound: boolean;
    });

export type ChargeAuthorizationInput = {
  /** Must be the email the authorization was created with (docs/paystack.md §8). */
  email: string;
  amountMinor: number;
  authorizationCode: string;
  reference: string;
  metadata?: Record<string, unknown>;
};

export type ChargeAuthorizationResult =
  | { outcome: 'success'; tx: ParsedTransaction }
  | { outcome: 'failed'; tx: ParsedTransaction; message: string }
  /** Any other `data.status` (ongoing, pending, …): not final; verify `reference` later. */
  | { outcome: 'pending'; tx: ParsedTransaction }
  /** 2FA (docs/paystack.md §8): send the customer to `authorizationUrl`, then verify `reference`. */
  | { outcome: 'paused'; authorizationUrl: string; reference: string; accessCode: string | null }
  | (Omit<PaystackFailure, 'ok'> & {
      outcome: 'error';
      /**
       * True when Paystack may have charged anyway (no answer, 5xx, unreadable body): verify the
       * reference before trying again, and never retry with a new reference blindly.
       */
      uncertain: boolean;
    });

export type CreateRefundInput = {
  /** The transaction's reference (an id also works, docs/paystack.md §9.1). */
  reference: string;
  /** Omit for a full refund. */
  amountMinor?: number;
  merchantNote?: string;
  customerNote?: string;
};

export type CreateRefundResult =
  | { ok: true; refund: ParsedRefund }
  | (PaystackFailure & { uncertain: boolean });

export type PaystackClient = {
  initializeTransaction(input: InitializeInput): Promise<InitializeResult>;
  verifyTransaction(reference: string): Promise<VerifyResult>;
  chargeAuthorization(input: ChargeAuthorizationInput): Promise<ChargeAuthorizationResult>;
  createRefund(input: CreateRefundInput): Promise<CreateRefundResult>;
  /** Settlements paid to the bank between two dates (reconciliation), one page. */
  listSettlements(input: { from: string; to: string; page?: number; perPage?: number }): Promise<{ ok: true; settlements: ParsedSettlement[]; pageCount: number } | PaystackFailure>;
  /** The transactions (with their fees) that make up one settlement, one page. */
  settlementTransactions(settlementId: number, page?: number): Promise<{ ok: true; transactions: ParsedTransaction[]; raw: unknown[]; pageCount: number } | PaystackFailure>;
};

export type PaystackClientOptions = {
  /** How long to wait for one Paystack answer. Default 20 s. */
  timeoutMs?: number;
};

// ---------------------------------------------------------------------------------------------
// Calling the SDK safely

type SdkAnswer =
  | { kind: 'ok'; body: unknown }
  | { kind: 'http_error'; status: number; body: PaystackErrorBody | null }
  | { kind: 'no_response'; reason: 'timeout' | 'network'; detail: string }
  | { kind: 'bad_body'; detail: string };

class LocalTimeout extends Error {}

/** docs/paystack.md §12.3: PaystackHttpError is not importable; recognise it by shape. */
function asPaystackHttpError(error: unknown): { status: number; body: unknown } | null {
  if (error instanceof Error && error.name === 'PaystackHttpError') {
    const e = error as Error & { status?: unknown; body?: unknown };
    if (typeof e.status === 'number') return { status: e.status, body: e.body ?? null };
  }
  return null;
}

function errorCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Never throws: every failure becomes an SdkAnswer. Timed per endpoint for the metrics. */
function callSdk(endpoint: string, run: () => Promise<unknown>, timeoutMs: number): Promise<SdkAnswer> {
  return timeGatewayCall('paystack', endpoint, () => callSdkOnce(run, timeoutMs), sdkOutcome);
}

const sdkOutcome = (a: SdkAnswer) =>
  a.kind === 'ok' ? 'ok' : a.kind === 'http_error' ? `http_${Math.floor(a.status / 100)}xx` : a.kind === 'no_response' ? a.reason : a.kind;

async function callSdkOnce(run: () => Promise<unknown>, timeoutMs: number): Promise<SdkAnswer> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LocalTimeout()), timeoutMs);
    });
    const body = await Promise.race([run(), timeout]);
    return { kind: 'ok', body };
  } catch (error) {
    if (error instanceof LocalTimeout) {
      return { kind: 'no_response', reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    }
    const http = asPaystackHttpError(error);
    if (http) {
      const parsed = errorBodySchema.safeParse(http.body);
      return { kind: 'http_error', status: http.status, body: parsed.success ? parsed.data : null };
    }
    // docs/paystack.md §12.3: a 2xx with a non-JSON body surfaces as a plain SyntaxError.
    if (error instanceof SyntaxError) return { kind: 'bad_body', detail: 'Paystack answered 2xx with a non-JSON body' };
    const code = errorCode(error);
    const detail = `${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ''}`;
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
    return { kind: 'no_response', reason: timedOut ? 'timeout' : 'network', detail };
  } finally {
    clearTimeout(timer);
  }
}

/** Paystack's `code`, or one derived from the HTTP status and message for older bodies (docs/paystack.md §2). */
function failureFrom(answer: Exclude<SdkAnswer, { kind: 'ok' }>): PaystackFailure {
  switch (answer.kind) {
    case 'no_response':
      return {
        ok: false,
        code: answer.reason === 'timeout' ? 'timeout' : 'network_error',
        message: `Paystack did not answer: ${answer.detail}`,
        httpStatus: null,
      };
    case 'bad_body':
      return { ok: false, code: 'invalid_response', message: answer.detail, httpStatus: null };
    case 'http_error': {
      const message = answer.body?.message || `Paystack answered HTTP ${answer.status}`;
      let code = answer.body?.code;
      if (!code) {
        if (answer.status === 401) code = 'unauthorized';
        else if (/duplicate transaction reference/i.test(message)) code = 'duplicate_reference';
        else if (answer.status === 404 || /not found/i.test(message)) code = 'not_found';
        else code = `http_${answer.status}`;
      }
      return { ok: false, code, message, httpStatus: answer.status };
    }
  }
}

function invalidResponse(what: string, status = 200): PaystackFailure {
  return { ok: false, code: 'invalid_response', message: `Unexpected ${what} body from Paystack`, httpStatus: status };
}

/** A failure after which the money may still have moved (docs/paystack.md §2: 5xx, and no answer at all). */
function isUncertain(failure: PaystackFailure): boolean {
  return failure.httpStatus === null || failure.httpStatus >= 500;
}

// ---------------------------------------------------------------------------------------------
// Input checks: caller mistakes throw, because no answer from Paystack could fix them

function assertReference(reference: string, field = 'reference'): void {
  if (typeof reference !== 'string' || !PAYSTACK_REFERENCE.test(reference) || reference.length > MAX_REFERENCE_LENGTH) {
    throw new TypeError(`${field} must be 1–${MAX_REFERENCE_LENGTH} characters of [A-Za-z0-9.=-] (docs/paystack.md §3)`);
  }
}

function assertAmount(amountMinor: number): number {
  const subunits = toSubunit(amountMinor);
  if (subunits <= 0) throw new RangeError(`amountMinor must be positive, got ${amountMinor}`);
  return subunits;
}

function assertEmail(email: string): string {
  const trimmed = typeof email === 'string' ? email.trim() : '';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed)) throw new TypeError('email must be an email address');
  return trimmed;
}

/**
 * The SDK types `amount` as a string, but Paystack's OpenAPI says integer and both are accepted
 * (docs/paystack.md §1, §12.4). We send the JSON integer our schemas and the emulator expect.
 */
const wireAmount = (subunits: number) => subunits as unknown as string;

// ---------------------------------------------------------------------------------------------
// The client

export function createPaystackClient(config: PaystackConfig, opts: PaystackClientOptions = {}): PaystackClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let sdk: Paystack | null = null;

  /** The SDK instance, created lazily after routing is in place. It holds the key: never log it. */
  function paystack(): Paystack {
    installPaystackDispatcher(config.apiUrl);
    sdk ??= new Paystack(config.secretKey);
    return sdk;
  }

  async function initializeTransaction(input: InitializeInput): Promise<InitializeResult> {
    const email = assertEmail(input.email);
    const amount = assertAmount(input.amountMinor);
    assertReference(input.reference);
    new URL(input.callbackUrl); // throws on a relative or malformed URL: Paystack needs it fully qualified (docs/paystack.md §3)

    const answer = await callSdk(
      '/transaction/initialize',
      () =>
        paystack().transaction.initialize({
          email,
          amount: wireAmount(amount),
          currency: CURRENCY,
          reference: input.reference,
          callback_url: input.callbackUrl,
          ...(input.metadata ? { metadata: input.metadata } : {}),
          ...(input.channels ? { channels: input.channels } : {}),
        }),
      timeoutMs,
    );
    if (answer.kind !== 'ok') return failureFrom(answer);
    const parsed = initializeResponseSchema.safeParse(answer.body);
    if (!parsed.success) return invalidResponse('initialize');
    return {
      ok: true,
      // Redirect to the URL as given; never build it (docs/paystack.md §3).
      authorizationUrl: parsed.data.data.authorization_url,
      accessCode: parsed.data.data.access_code,
      reference: parsed.data.data.reference,
    };
  }

  async function verifyTransaction(reference: string): Promise<VerifyResult> {
    // The reference may come from a callback URL typed by a browser (docs/paystack.md §4): a malformed one cannot
    // exist at Paystack, and an empty one would be routed as /transaction/:id (docs/paystack.md §13.1). Never send.
    if (typeof reference !== 'string' || !PAYSTACK_REFERENCE.test(reference) || reference.length > MAX_REFERENCE_LENGTH) {
      return {
        ok: false,
        notFound: true,
        code: 'invalid_reference',
        message: 'Not a valid Paystack reference; nothing was sent',
        httpStatus: null,
      };
    }
    const answer = await callSdk('/transaction/verify', () => paystack().transaction.verify(reference), timeoutMs);
    if (answer.kind !== 'ok') {
      const failure = failureFrom(answer);
      // docs/paystack.md §5: "Transaction reference not found" comes as 400 (integrators) or 404 (OpenAPI).
      const notFound =
        answer.kind === 'http_error' &&
        (answer.status === 404 || (answer.status === 400 && /reference not found|not found/i.test(failure.message)));
      return { ...failure, notFound, code: notFound && failure.code.startsWith('http_') ? 'not_found' : failure.code };
    }
    const parsed = transactionResponseSchema.safeParse(answer.body);
    if (!parsed.success) return { ...invalidResponse('verify'), notFound: false };
    // A transaction for another reference is not an answer to our question.
    if (parsed.data.data.reference !== reference) {
      return { ...invalidResponse('verify (reference mismatch)'), notFound: false };
    }
    return { ok: true, tx: parsed.data.data };
  }

  async function chargeAuthorization(input: ChargeAuthorizationInput): Promise<ChargeAuthorizationResult> {
    const email = assertEmail(input.email);
    const amount = assertAmount(input.amountMinor);
    assertReference(input.reference);
    if (!input.authorizationCode?.trim()) throw new TypeError('authorizationCode is required');

    const answer = await callSdk(
      '/transaction/charge_authorization',
      () =>
        paystack().transaction.chargeAuthorization({
          email,
          amount: wireAmount(amount),
          currency: CURRENCY,
          authorization_code: input.authorizationCode.trim(),
          reference: input.reference,
          ...(input.metadata ? { metadata: input.metadata } : {}),
        }),
      timeoutMs,
    );
    if (answer.kind !== 'ok') {
      const { ok: _ok, ...failure } = failureFrom(answer);
      return { outcome: 'error', ...failure, uncertain: isUncertain({ ok: false, ...failure }) };
    }
    const parsed = chargeAuthorizationResponseSchema.safeParse(answer.body);
    if (!parsed.success) {
      // A 200 we cannot read: the charge may well have happened.
      const { ok: _ok, ...failure } = invalidResponse('charge_authorization');
      return { outcome: 'error', ...failure, uncertain: true };
    }
    const data = parsed.data.data;
    if ('paused' in data) {
      return {
        outcome: 'paused',
        authorizationUrl: data.authorization_url,
        reference: data.reference,
        accessCode: data.access_code ?? null,
      };
    }
    // docs/paystack.md §8: 200 whatever the outcome; data.status decides.
    if (data.status === 'success') return { outcome: 'success', tx: data };
    if (data.status === 'failed') return { outcome: 'failed', tx: data, message: data.gateway_response ?? 'Declined' };
    return { outcome: 'pending', tx: data };
  }

  async function createRefund(input: CreateRefundInput): Promise<CreateRefundResult> {
    assertReference(input.reference);
    const amount = input.amountMinor === undefined ? undefined : assertAmount(input.amountMinor);
    const answer = await callSdk(
      '/refund',
      () =>
        paystack().refund.create({
          transaction: input.reference,
          currency: CURRENCY,
          ...(amount !== undefined ? { amount } : {}),
          ...(input.merchantNote ? { merchant_note: input.merchantNote } : {}),
          ...(input.customerNote ? { customer_note: input.customerNote } : {}),
        }),
      timeoutMs,
    );
    if (answer.kind !== 'ok') {
      const failure = failureFrom(answer);
      return { ...failure, uncertain: isUncertain(failure) };
    }
    const parsed = refundResponseSchema.safeParse(answer.body);
    if (!parsed.success) return { ...invalidResponse('refund'), uncertain: true };
    return { ok: true, refund: parsed.data.data };
  }

  async function listSettlements(input: { from: string; to: string; page?: number; perPage?: number }) {
    const answer = await callSdk(
      '/settlement',
      () => paystack().settlement.list({ from: input.from, to: input.to, page: input.page ?? 1, perPage: input.perPage ?? 100 } as never),
      timeoutMs,
    );
    if (answer.kind !== 'ok') return failureFrom(answer);
    const parsed = listSettlementsResponseSchema.safeParse(answer.body);
    if (!parsed.success) return invalidResponse('settlement list');
    return { ok: true as const, settlements: parsed.data.data, pageCount: parsed.data.meta?.pageCount ?? 1 };
  }

  async function settlementTransactions(settlementId: number, page = 1) {
    if (!Number.isSafeInteger(settlementId) || settlementId < 0) throw new TypeError('settlementId must be a non-negative integer');
    const answer = await callSdk(
      '/settlement/:id/transactions',
      () => paystack().settlement.transactions(String(settlementId), { page, perPage: 100 } as never),
      timeoutMs,
    );
    if (answer.kind !== 'ok') return failureFrom(answer);
    const parsed = settlementTransactionsResponseSchema.safeParse(answer.body);
    if (!parsed.success) return invalidResponse('settlement transactions');
    return { ok: true as const, transactions: parsed.data.data, raw: (answer.body as { data: unknown[] }).data, pageCount: parsed.data.meta?.pageCount ?? 1 };
  }

  return { initializeTransaction, verifyTransaction, chargeAuthorization, createRefund, listSettlements, settlementTransactions };
}

// ---------------------------------------------------------------------------------------------
// Module-level shortcuts, configured from the environment (sandbox when PAYSTACK_SECRET_KEY is unset)

function clientFromEnv(): PaystackClient {
  return createPaystackClient(paystackConfigFromEnv(process.env, appOrigin()));
}

export const initializeTransaction = (input: InitializeInput) => clientFromEnv().initializeTransaction(input);
export const verifyTransaction = (reference: string) => clientFromEnv().verifyTransaction(reference);
export const chargeAuthorization = (input: ChargeAuthorizationInput) => clientFromEnv().chargeAuthorization(input);
export const createRefund = (input: CreateRefundInput) => clientFromEnv().createRefund(input);
