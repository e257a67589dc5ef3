/**
 * Malipo's built-in Paystack sandbox: the HTTP surface of the endpoints Malipo uses, with
 * Paystack's exact request and response formats (docs/paystack.md §2–§9, fixtures in
 * /work/shared/fixtures/paystack), so the real client (lib/gateways/paystack/client.ts, through the
 * paystack-sdk package) runs against it unchanged (docs/paystack.md §12.5).
 *
 *   POST transaction/initialize            → hosted checkout at /sandbox/paystack/checkout/<access_code>
 *   GET  transaction/verify/:reference     → 200 for every known reference (`abandoned` until paid)
 *   GET  transaction/:id                   → numeric id only
 *   GET  transaction                       → list, offset meta
 *   POST transaction/charge_authorization  → charges a saved (reusable) card, then charge.success
 *   POST refund                            → `pending`, then refund.pending → refund.processed webhooks
 *   GET  refund/:id, GET refund
 *   GET  settlement, GET settlement/:id/transactions → one settlement per Nairobi day of successful
 *        payments, each transaction with its fee (lib/sandbox/reconciliation.ts, with injected breaks)
 *
 * Every call needs `Authorization: Bearer <secret key>`, else 401 "Invalid key" (docs/paystack.md §1).
 * Refund outcomes follow docs/paystack.md §11's test cards: 4084 0800 0067 1803 → refund.failed,
 * 4084 0800 0067 1902 → refund.needs-attention, every other card → refund.processed.
 */
import crypto from 'node:crypto';
import { and, count, desc, eq, gte, lte, ne, sql, sum, type SQL } from 'drizzle-orm';

import type { Queryable } from '@/db/client';
import { sandboxPaystackRefunds, sandboxPaystackTransactions } from '@/db/sandbox-schema';
import { testCardForAuthorization } from './checkout';
import {
  chargeSuccessEvent,
  paystackWebhookUrl,
  refundEvent,
  SANDBOX_INTEGRATION_ID,
  SAVED_CARD_ACCESS_CODE_PREFIX,
  sendPaystackWebhook,
  transactionWire,
  type SandboxRefundRow,
  type SandboxRefundStatus,
  type SandboxTransactionRow,
} from './webhooks';
import { log } from '@/lib/log';
import { sandboxSettlements, type SandboxSettlement } from '../reconciliation';

export type PaystackEmulatorDeps = {
  db: Queryable;
  /** The key callers must present and webhooks are signed with. */
  secretKey: string;
  /** Where the checkout page lives and webhooks go (`/api/v1/payments/paystack/webhook`). */
  appOrigin: string;
  now?: () => Date;
  /** Webhook delivery (tests inject one). */
  fetch?: typeof fetch;
  /**
   * Runs work that Paystack does after answering (webhooks, refund processing). Default: fire and
   * forget. The route passes Next's `after`; tests collect the promises to await them.
   */
  background?: (task: Promise<unknown>) => void;
  /** Delay between refund.pending and the refund's final state. Default 2 s. */
  refundSettleDelayMs?: number;
};

/** docs/paystack.md §1: KES 3.00 minimum; the error list's maximum is 10,000,000 (major units). */
export const MIN_AMOUNT_KES_CENTS = 300;
const MAX_AMOUNT_CENTS = 10_000_000 * 100;
const DEFAULT_REFUND_SETTLE_MS = 2_000;
const MAX_PER_PAGE = 1_000;
/** Who "refunded" in the sandbox's refund objects. */
const REFUNDED_BY = 'sandbox@malipo.test';

// ---------------------------------------------------------------------------------------------
// Responses (docs/paystack.md §1 envelope, docs/paystack.md §2 error bodies)

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const ok = (message: string, data: unknown, meta?: unknown) =>
  json(200, meta === undefined ? { status: true, message, data } : { status: true, message, data, meta });

/** The minimal body (`{status,message}`), as for "Transaction reference not found" (docs/paystack.md §2). */
const fail = (status: number, message: string) => json(status, { status: false, message });

/** The newer body with meta.nextStep, type and code (docs/paystack.md §2). */
function failWithCode(status: number, message: string, code: string, nextStep: string, extra: Record<string, unknown> = {}) {
  return json(status, { status: false, message, meta: { nextStep }, type: 'validation_error', code, ...extra });
}

/** fixtures/error.invalid-amount.400.json */
const invalidAmount = () =>
  failWithCode(
    400,
    'Invalid Amount Sent',
    'invalid_amount',
    "Ensure that you're passing your amount correctly. It should be a number greater than zero, with no decimal places",
  );

/** fixtures/error.duplicate-reference.400.json, verbatim including errorCodeMappingNotFound. */
const duplicateReference = () =>
  failWithCode(
    400,
    'Duplicate Transaction Reference',
    'duplicate_reference',
    'Try and create the Transaction or Charge with a new reference',
    { errorCodeMappingNotFound: false },
  );

/** fixtures/error.missing-params.400.json, whose nextStep really ends in a no-break space. */
const missingParam = (message: string) => failWithCode(400, message, 'missing_params', 'Provide all required params\u00a0');

const invalidParam = (message: string) =>
  failWithCode(400, message, 'invalid_params', "Ensure that the value(s) you're passing are valid.");

// ---------------------------------------------------------------------------------------------
// Routing

type Ctx = {
  req: Request;
  params: string[];
  deps: PaystackEmulatorDeps;
  now: Date;
};

export async function handlePaystackSandbox(
  req: Request,
  pathParts: string[],
  deps: PaystackEmulatorDeps,
): Promise<Response> {
  // docs/paystack.md §1: a missing or wrong key is 401 "Invalid key" on every endpoint.
  if (!bearerValid(req, deps.secretKey)) return fail(401, 'Invalid key');

  const parts = pathParts.map((p) => p.trim()).filter(Boolean);
  const method = req.method.toUpperCase();
  const ctx = (params: string[]): Ctx => ({ req, params, deps, now: deps.now?.() ?? new Date() });
  const [resource, first, ...rest] = parts;

  if (resource === 'transaction') {
    if (method === 'POST' && first === 'initialize' && rest.length === 0) return initialize(ctx([]));
    if (method === 'POST' && first === 'charge_authorization' && rest.length === 0) return chargeAuthorization(ctx([]));
    if (method === 'GET' && first === 'verify' && rest.length > 0) return verify(ctx([rest.join('/')]));
    // `/transaction/verify/` (empty reference) lands here as an id, like on Paystack (docs/paystack.md §13.1).
    if (method === 'GET' && first !== undefined && rest.length === 0) return fetchTransaction(ctx([first]));
    if (method === 'GET' && first === undefined) return listTransactions(ctx([]));
  }
  if (resource === 'refund') {
    if (method === 'POST' && first === undefined) return createRefund(ctx([]));
    if (method === 'GET' && first !== undefined && rest.length === 0) return fetchRefund(ctx([first]));
    if (method === 'GET' && first === undefined) return listRefunds(ctx([]));
  }
  if (resource === 'settlement' && method === 'GET') {
    if (first === undefined) return listSettlements(ctx([]));
    if (rest.length === 1 && (rest[0] === 'transactions' || rest[0] === 'transaction')) return listSettlementTransactions(ctx([first]));
  }
  return fail(404, 'Route not found');
}

// ---------------------------------------------------------------------------------------------
// Settlements (reconciliation): what Paystack paid to the bank, per day, fees deducted.

/** from/to as dates or date-times; the settlement's day is the Nairobi day its payments were made. */
function settlementRange(url: URL, now: Date): { from: string; to: string } {
  const day = (v: string | null, fallback: string) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : fallback);
  const today = new Date(now.getTime() + 3 * 3600_000).toISOString().slice(0, 10);
  return { from: day(url.searchParams.get('from'), '2000-01-01'), to: day(url.searchParams.get('to'), today) };
}

function settlementWire(s: SandboxSettlement) {
  const processed = s.transactions.reduce((n, t) => n + t.amount, 0);
  const fees = s.transactions.reduce((n, t) => n + t.fee, 0);
  return {
    integration: SANDBOX_INTEGRATION_ID,
    id: s.id,
    domain: 'test',
    status: 'success',
    currency: 'KES',
    total_amount: processed - fees,
    effective_amount: processed - fees,
    total_fees: fees,
    total_processed: processed,
    settlement_date: `${s.day}T21:00:00.000Z`,
    settled_by: null,
    createdAt: `${s.day}T21:00:00.000Z`,
    updatedAt: `${s.day}T21:00:00.000Z`,
  };
}

async function listSettlements({ req, deps, now }: Ctx): Promise<Response> {
  const { from, to } = settlementRange(new URL(req.url), now);
  const settlements = await sandboxSettlements(deps.db, from, to);
  return ok('Settlements retrieved', settlements.map(settlementWire), { total: settlements.length, skipped: 0, perPage: MAX_PER_PAGE, page: 1, pageCount: 1 });
}

async function listSettlementTransactions({ params, deps }: Ctx): Promise<Response> {
  const id = params[0];
  if (!/^\d{8}$/.test(id)) return fail(404, 'Settlement not found');
  const day = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}`;
  const [s] = await sandboxSettlements(deps.db, day, day);
  if (!s) return fail(404, 'Settlement not found');
  const data = s.transactions.map((t) => ({ ...transactionWire(t, 'list'), amount: t.amount, fees: t.fee }));
  return ok('Settlement transactions retrieved', data, { total: data.length, total_volume: s.transactions.reduce((n, t) => n + t.amount, 0), skipped: 0, perPage: MAX_PER_PAGE, page: 1, pageCount: 1 });
}

function bearerValid(req: Request, secretKey: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization')?.trim() ?? '');
  if (!match?.[1] || !secretKey) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(secretKey);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** JSON (what the SDK sends) or form-encoded (also accepted by Paystack, docs/paystack.md §1); null when unreadable. */
async function readBody(req: Request): Promise<Record<string, unknown> | null> {
  const type = req.headers.get('content-type') ?? '';
  const text = await req.text();
  if (/application\/x-www-form-urlencoded/i.test(type)) return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function background(deps: PaystackEmulatorDeps, task: () => Promise<unknown>): void {
  const promise = task().catch((err) => {
    log.warn({ event: 'sandbox.paystack.background_failed', err }, 'Paystack sandbox: background work failed');
  });
  if (deps.background) deps.background(promise);
}

// ---------------------------------------------------------------------------------------------
// Field rules

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** docs/paystack.md §3: letters, digits, `-`, `.` and `=` only. */
const REFERENCE = /^[A-Za-z0-9.=-]+$/;

/** Integer subunits, as a JSON integer or an integer string (docs/paystack.md §1); null for anything else. */
function parseAmount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** The API reference calls metadata a "stringified JSON object"; an object is accepted too (docs/paystack.md §3). */
function parseMetadata(value: unknown): Record<string, unknown> | null | 'invalid' {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
  }
  return 'invalid';
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function randomChars(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[crypto.randomInt(alphabet.length)];
  return out;
}

/** A Paystack customer for an email: same email, same id and CUS_ code (Paystack reuses it, docs/paystack.md §3). */
function customerFor(email: string) {
  const digest = crypto.createHash('sha256').update(`customer:${email.toLowerCase()}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let code = '';
  for (let i = 0; code.length < 15; i++) code += alphabet[digest[i]! % alphabet.length];
  return {
    id: 100_000_000 + (digest.readUInt32BE(16) % 900_000_000),
    first_name: null,
    last_name: null,
    email,
    customer_code: `CUS_${code}`,
    phone: null,
    metadata: null,
    risk_action: 'default',
    international_format_phone: null,
  };
}

type AmountCheck = { ok: true; amount: number } | { ok: false; response: Response };

function checkAmount(value: unknown): AmountCheck {
  const amount = parseAmount(value);
  if (amount === null || amount <= 0) return { ok: false, response: invalidAmount() };
  if (amount < MIN_AMOUNT_KES_CENTS) return { ok: false, response: invalidAmount() };
  if (amount > MAX_AMOUNT_CENTS) return { ok: false, response: fail(400, 'Transaction amount limit exceeded') };
  return { ok: true, amount };
}

/** `currency` defaults to the integration's, which is KES here; nothing else is enabled (docs/paystack.md §1, §13.4). */
function checkCurrency(value: unknown): Response | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' && value.trim().toUpperCase() === 'KES'
    ? null
    : fail(400, 'Currency not supported by merchant');
}

function checkEmail(value: unknown): { ok: true; email: string } | { ok: false; response: Response } {
  if (typeof value !== 'string' || value.trim() === '') {
    return { ok: false, response: missingParam('Email Address is required') };
  }
  if (!EMAIL.test(value.trim())) return { ok: false, response: invalidParam('Invalid Email Address Passed') };
  return { ok: true, email: value.trim() };
}

function checkReference(value: unknown): { ok: true; reference: string | null } | { ok: false; response: Response } {
  if (value === undefined || value === null || value === '') return { ok: true, reference: null };
  if (typeof value !== 'string' || !REFERENCE.test(value)) {
    return { ok: false, response: invalidParam('Invalid character in transaction reference') };
  }
  return { ok: true, reference: value };
}

type NewTransaction = Omit<typeof sandboxPaystackTransactions.$inferInsert, 'reference' | 'accessCode'>;

/**
 * Inserts a transaction under `reference`, or a generated one. Null when the reference is taken
 * (Paystack refuses it even if the earlier attempt was abandoned, docs/paystack.md §13.3).
 */
async function insertTransaction(
  db: Queryable,
  reference: string | null,
  accessCodePrefix: string,
  values: NewTransaction,
): Promise<SandboxTransactionRow | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const [row] = await db
      .insert(sandboxPaystackTransactions)
      .values({ ...values, reference: reference ?? randomChars(10), accessCode: accessCodePrefix + randomChars(15) })
      .onConflictDoNothing({ target: sandboxPaystackTransactions.reference })
      .returning();
    if (row) return row;
    if (reference !== null) return null;
  }
  throw new Error('could not generate a free reference');
}

// ---------------------------------------------------------------------------------------------
// POST /transaction/initialize (docs/paystack.md §3)

async function initialize({ req, deps, now }: Ctx): Promise<Response> {
  const body = await readBody(req);
  if (!body) return invalidParam('Invalid request body');

  const email = checkEmail(body.email);
  if (!email.ok) return email.response;
  const currencyProblem = checkCurrency(body.currency);
  if (currencyProblem) return currencyProblem;
  const amount = checkAmount(body.amount);
  if (!amount.ok) return amount.response;
  const reference = checkReference(body.reference);
  if (!reference.ok) return reference.response;
  const metadata = parseMetadata(body.metadata);
  // docs/paystack.md §13.6: malformed metadata surfaces as "Invalid Amount Sent" on Paystack too.
  if (metadata === 'invalid') return invalidAmount();
  const callbackUrl = body.callback_url;
  if (callbackUrl !== undefined && callbackUrl !== null && callbackUrl !== '') {
    if (typeof callbackUrl !== 'string' || !isHttpUrl(callbackUrl)) return invalidParam('Invalid callback_url');
  }
  if (body.channels !== undefined && !(Array.isArray(body.channels) && body.channels.every((c) => typeof c === 'string'))) {
    return invalidParam('channels must be an array of strings');
  }

  const row = await insertTransaction(deps.db, reference.reference, '', {
    email: email.email,
    amount: amount.amount,
    currency: 'KES',
    status: 'abandoned',
    channel: 'card',
    callbackUrl: typeof callbackUrl === 'string' && callbackUrl !== '' ? callbackUrl : null,
    metadata,
    authorization: null,
    customer: customerFor(email.email),
    createdAt: now,
  });
  if (!row) return duplicateReference();

  return ok('Authorization URL created', {
    authorization_url: `${new URL(deps.appOrigin).origin}/sandbox/paystack/checkout/${row.accessCode}`,
    access_code: row.accessCode,
    reference: row.reference,
  });
}

// ---------------------------------------------------------------------------------------------
// GET /transaction/verify/:reference (docs/paystack.md §5), GET /transaction/:id (docs/paystack.md §6), GET /transaction (docs/paystack.md §7)

async function transactionByReference(db: Queryable, reference: string) {
  const [row] = await db
    .select()
    .from(sandboxPaystackTransactions)
    .where(eq(sandboxPaystackTransactions.reference, reference))
    .limit(1);
  return row ?? null;
}

async function transactionById(db: Queryable, id: number) {
  const [row] = await db.select().from(sandboxPaystackTransactions).where(eq(sandboxPaystackTransactions.id, id)).limit(1);
  return row ?? null;
}

async function verify({ params, deps }: Ctx): Promise<Response> {
  const row = await transactionByReference(deps.db, params[0]!);
  // Integrators see HTTP 400 for this (fixtures/error.reference-not-found.400.json).
  if (!row) return fail(400, 'Transaction reference not found');
  return ok('Verification successful', transactionWire(row, 'verify'));
}

async function fetchTransaction({ params, deps }: Ctx): Promise<Response> {
  const id = params[0]!;
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) return fail(400, 'Transaction ID should be numeric.');
  const row = await transactionById(deps.db, Number(id));
  if (!row) return fail(404, 'Transaction not found');
  return ok('Transaction retrieved', transactionWire(row, 'fetch'));
}

function pageParams(url: URL): { perPage: number; page: number } {
  const perPage = Number(url.searchParams.get('perPage') ?? url.searchParams.get('per_page') ?? 50);
  const page = Number(url.searchParams.get('page') ?? 1);
  return {
    perPage: Number.isInteger(perPage) && perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : 50,
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

function dateParam(url: URL, name: string): Date | null {
  const value = url.searchParams.get(name);
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

async function listTransactions({ req, deps }: Ctx): Promise<Response> {
  const url = new URL(req.url);
  const { perPage, page } = pageParams(url);
  const t = sandboxPaystackTransactions;
  const filters: SQL[] = [];
  const status = url.searchParams.get('status');
  if (status) filters.push(eq(t.status, status));
  const from = dateParam(url, 'from');
  if (from) filters.push(gte(t.createdAt, from));
  const to = dateParam(url, 'to');
  if (to) filters.push(lte(t.createdAt, to));
  const amount = parseAmount(url.searchParams.get('amount') ?? undefined);
  if (amount !== null) filters.push(eq(t.amount, amount));
  const customer = url.searchParams.get('customer');
  if (customer && /^\d+$/.test(customer)) filters.push(sql`(${t.customer} ->> 'id') = ${customer}`);
  const where = filters.length > 0 ? and(...filters) : undefined;

  const [totals] = await deps.db
    .select({ total: count(), volume: sum(sql`case when ${t.status} = 'success' then ${t.amount} else 0 end`) })
    .from(t)
    .where(where);
  const rows = await deps.db
    .select()
    .from(t)
    .where(where)
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(perPage)
    .offset((page - 1) * perPage);
  const total = totals?.total ?? 0;
  // docs/paystack.md §7's offset meta (total_volume appears on /transaction only).
  return ok(
    'Transactions retrieved',
    rows.map((row) => transactionWire(row, 'list')),
    {
      total,
      total_volume: Number(totals?.volume ?? 0),
      skipped: (page - 1) * perPage,
      perPage,
      page,
      pageCount: Math.ceil(total / perPage),
    },
  );
}

// ---------------------------------------------------------------------------------------------
// POST /transaction/charge_authorization (docs/paystack.md §8)

async function chargeAuthorization({ req, deps, now }: Ctx): Promise<Response> {
  const body = await readBody(req);
  if (!body) return invalidParam('Invalid request body');
  const code = typeof body.authorization_code === 'string' ? body.authorization_code.trim() : '';
  if (!code) return fail(400, 'Authorization code is invalid');
  const email = checkEmail(body.email);
  if (!email.ok) return email.response;
  const currencyProblem = checkCurrency(body.currency);
  if (currencyProblem) return currencyProblem;
  const amount = checkAmount(body.amount);
  if (!amount.ok) return amount.response;
  const reference = checkReference(body.reference);
  if (!reference.ok) return reference.response;
  const metadata = parseMetadata(body.metadata);
  if (metadata === 'invalid') return invalidAmount();

  // The authorization must come from a successful payment and be reusable (docs/paystack.md §8).
  const t = sandboxPaystackTransactions;
  const [source] = await deps.db
    .select()
    .from(t)
    .where(
      and(
        sql`${t.authorization} ->> 'authorization_code' = ${code}`,
        sql`${t.authorization} ->> 'reusable' = 'true'`,
        sql`${t.status} in ('success', 'reversed')`,
      ),
    )
    .orderBy(desc(t.id))
    .limit(1);
  if (!source) return fail(400, 'Invalid Authorization Code');
  // docs/paystack.md §8: the email must be the one the authorization was created with.
  if (source.email.toLowerCase() !== email.email.toLowerCase()) {
    return fail(
      400,
      'Email does not match Authorization code. Authorization may be inactive or belong to a different email. Please confirm.',
    );
  }

  const row = await insertTransaction(deps.db, reference.reference, SAVED_CARD_ACCESS_CODE_PREFIX, {
    email: source.email,
    amount: amount.amount,
    currency: 'KES',
    status: 'success',
    gatewayResponse: 'Approved',
    channel: 'card',
    callbackUrl: null,
    metadata,
    authorization: source.authorization,
    customer: source.customer,
    createdAt: now,
    paidAt: now,
  });
  if (!row) return duplicateReference();

  // After answering, as Paystack does: the caller may still hold locks the webhook handler needs.
  background(deps, () =>
    sendPaystackWebhook(paystackWebhookUrl(deps.appOrigin), chargeSuccessEvent(row), deps.secretKey, { fetch: deps.fetch }),
  );
  return ok('Charge attempted', transactionWire(row, 'charge'));
}

// ---------------------------------------------------------------------------------------------
// Refunds (docs/paystack.md §9)

function refundWire(refund: SandboxRefundRow, tx: SandboxTransactionRow, variant: 'create' | 'fetch' | 'list') {
  const processed = refund.status === 'processed';
  const createdAt = refund.createdAt.toISOString();
  // Paystack expects refunds to land within days; 9 days as in fixtures/refund.create.success.json.
  const expectedAt = new Date(refund.createdAt.getTime() + 9 * 24 * 3600 * 1000).toISOString();
  const common = {
    integration: SANDBOX_INTEGRATION_ID,
    domain: 'test',
    amount: refund.amount,
    deducted_amount: processed ? refund.amount : 0,
    fully_deducted: processed,
    currency: refund.currency,
    channel: processed ? 'card' : null,
    status: refund.status,
    refunded_by: REFUNDED_BY,
    refunded_at: processed ? createdAt : null,
    expected_at: expectedAt,
    customer_note: refund.customerNote,
    merchant_note: refund.merchantNote,
    id: refund.id,
    createdAt,
    updatedAt: createdAt,
  };
  if (variant === 'create') {
    // fixtures/refund.create.success.json: `transaction` is an abridged transaction object.
    const paidAt = tx.paidAt ? tx.paidAt.toISOString() : null;
    const auth = (tx.authorization ?? {}) as { exp_month?: unknown; exp_year?: unknown; account_name?: unknown };
    return {
      transaction: {
        id: tx.id,
        domain: 'test',
        reference: tx.reference,
        amount: tx.amount,
        paid_at: paidAt,
        channel: tx.channel ?? 'card',
        currency: tx.currency,
        authorization: { exp_month: auth.exp_month ?? null, exp_year: auth.exp_year ?? null, account_name: null },
        customer: { international_format_phone: null },
        plan: {},
        subaccount: { currency: null },
        split: {},
        order_id: null,
        paidAt,
        pos_transaction_data: null,
        source: null,
        fees_breakdown: null,
      },
      integration: common.integration,
      deducted_amount: common.deducted_amount,
      channel: common.channel,
      merchant_note: common.merchant_note,
      customer_note: common.customer_note,
      status: common.status,
      refunded_by: common.refunded_by,
      expected_at: common.expected_at,
      currency: common.currency,
      domain: common.domain,
      amount: common.amount,
      fully_deducted: common.fully_deducted,
      id: common.id,
      createdAt: common.createdAt,
      updatedAt: common.updatedAt,
    };
  }
  // fixtures/refund.fetch.processed.json and refund.list.success.json: `transaction` is the id.
  const base = { ...common, transaction: tx.id, dispute: null, settlement: null };
  if (variant === 'list') {
    const { updatedAt: _u, expected_at: _e, channel: _c, ...listed } = base;
    return listed;
  }
  return base;
}

/** Sum of refunds that still count against the payment (everything but failed ones). */
async function refundedSoFar(db: Queryable, reference: string): Promise<number> {
  const [row] = await db
    .select({ total: sum(sandboxPaystackRefunds.amount) })
    .from(sandboxPaystackRefunds)
    .where(and(eq(sandboxPaystackRefunds.transactionReference, reference), ne(sandboxPaystackRefunds.status, 'failed')));
  return Number(row?.total ?? 0);
}

async function transactionByIdOrReference(db: Queryable, value: string): Promise<SandboxTransactionRow | null> {
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) {
    const byId = await transactionById(db, Number(value));
    if (byId) return byId;
  }
  return transactionByReference(db, value);
}

type RefundCreation =
  | { ok: true; refund: SandboxRefundRow; tx: SandboxTransactionRow }
  | { ok: false; response: Response };

async function createRefund({ req, deps, now }: Ctx): Promise<Response> {
  const body = await readBody(req);
  if (!body) return invalidParam('Invalid request body');
  const transaction =
    typeof body.transaction === 'number' ? String(body.transaction) : typeof body.transaction === 'string' ? body.transaction.trim() : '';
  if (!transaction) return missingParam('Transaction reference or id is required');
  const currencyProblem = checkCurrency(body.currency);
  if (currencyProblem) return currencyProblem;
  let requested: number | null = null;
  if (body.amount !== undefined && body.amount !== null && body.amount !== '') {
    requested = parseAmount(body.amount);
    if (requested === null || requested <= 0) return invalidAmount();
  }
  const note = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

  // One refund at a time per payment: the row lock makes "amount ≤ paid − refunded" hold under
  // concurrent requests from several app instances.
  const created = await deps.db.transaction(async (db): Promise<RefundCreation> => {
    const found = await transactionByIdOrReference(db, transaction);
    if (!found) return { ok: false, response: fail(404, 'Transaction not found') };
    const [tx] = await db
      .select()
      .from(sandboxPaystackTransactions)
      .where(eq(sandboxPaystackTransactions.id, found.id))
      .for('update');
    if (!tx || (tx.status !== 'success' && tx.status !== 'reversed')) {
      return { ok: false, response: invalidParam('Transaction has not been completed, so it cannot be refunded') };
    }
    const refundable = tx.amount - (await refundedSoFar(db, tx.reference));
    if (refundable <= 0) return { ok: false, response: invalidParam('Transaction has been fully reversed') };
    const amount = requested ?? refundable;
    if (amount > refundable) {
      return {
        ok: false,
        response: failWithCode(
          400,
          'Refund amount cannot be more than the unrefunded transaction amount',
          'invalid_amount',
          `Ensure the amount is at most ${refundable}`,
        ),
      };
    }
    const [refund] = await db
      .insert(sandboxPaystackRefunds)
      .values({
        transactionReference: tx.reference,
        amount,
        currency: tx.currency,
        status: 'pending',
        customerNote: note(body.customer_note) ?? `Refund for transaction ${tx.reference}`,
        merchantNote: note(body.merchant_note) ?? `Refund for transaction ${tx.reference} by ${REFUNDED_BY}`,
        createdAt: now,
      })
      .returning();
    return { ok: true, refund: refund!, tx };
  });
  if (!created.ok) return created.response;

  const { refund, tx } = created;
  background(deps, () => settleRefund(deps, refund, tx));
  return ok('Refund has been queued for processing', refundWire(refund, tx, 'create'));
}

/**
 * What Paystack does after queueing a refund (docs/paystack.md §9.2, §9.5): refund.pending, then the final state
 * decided by the test card (docs/paystack.md §11) — processed (the payment reads `reversed` once fully refunded),
 * failed (balance credited back) or needs-attention.
 */
async function settleRefund(deps: PaystackEmulatorDeps, refund: SandboxRefundRow, tx: SandboxTransactionRow) {
  const url = paystackWebhookUrl(deps.appOrigin);
  const customer = tx.customer as { first_name?: unknown; last_name?: unknown; email?: unknown } | null;
  await sendPaystackWebhook(url, refundEvent(refund, 'pending', customer), deps.secretKey, { fetch: deps.fetch });

  const delay = deps.refundSettleDelayMs ?? DEFAULT_REFUND_SETTLE_MS;
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

  const final: SandboxRefundStatus = testCardForAuthorization(tx.authorization)?.refund ?? 'processed';
  const [settled] = await deps.db
    .update(sandboxPaystackRefunds)
    .set({ status: final })
    .where(and(eq(sandboxPaystackRefunds.id, refund.id), eq(sandboxPaystackRefunds.status, 'pending')))
    .returning();
  if (!settled) return;
  if (final === 'processed') {
    const [row] = await deps.db
      .select({ total: sum(sandboxPaystackRefunds.amount) })
      .from(sandboxPaystackRefunds)
      .where(
        and(eq(sandboxPaystackRefunds.transactionReference, tx.reference), eq(sandboxPaystackRefunds.status, 'processed')),
      );
    if (Number(row?.total ?? 0) >= tx.amount) {
      await deps.db
        .update(sandboxPaystackTransactions)
        .set({ status: 'reversed' })
        .where(and(eq(sandboxPaystackTransactions.id, tx.id), eq(sandboxPaystackTransactions.status, 'success')));
    }
  }
  await sendPaystackWebhook(url, refundEvent(settled, final, customer), deps.secretKey, { fetch: deps.fetch });
}

async function fetchRefund({ params, deps }: Ctx): Promise<Response> {
  const id = params[0]!;
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) return fail(400, 'Refund ID should be numeric.');
  const [refund] = await deps.db
    .select()
    .from(sandboxPaystackRefunds)
    .where(eq(sandboxPaystackRefunds.id, Number(id)))
    .limit(1);
  const tx = refund ? await transactionByReference(deps.db, refund.transactionReference) : null;
  if (!refund || !tx) return fail(404, 'Refund not found');
  return ok('Refund retrieved', refundWire(refund, tx, 'fetch'));
}

async function listRefunds({ req, deps }: Ctx): Promise<Response> {
  const url = new URL(req.url);
  const { perPage, page } = pageParams(url);
  const r = sandboxPaystackRefunds;
  const t = sandboxPaystackTransactions;
  const filters: SQL[] = [];
  const transaction = url.searchParams.get('transaction');
  if (transaction) {
    const tx = await transactionByIdOrReference(deps.db, transaction);
    filters.push(eq(r.transactionReference, tx?.reference ?? '\u0000none'));
  }
  const currency = url.searchParams.get('currency');
  if (currency) filters.push(eq(r.currency, currency.toUpperCase()));
  const from = dateParam(url, 'from');
  if (from) filters.push(gte(r.createdAt, from));
  const to = dateParam(url, 'to');
  if (to) filters.push(lte(r.createdAt, to));
  const where = filters.length > 0 ? and(...filters) : undefined;

  const [totals] = await deps.db.select({ total: count() }).from(r).where(where);
  const rows = await deps.db
    .select({ refund: r, tx: t })
    .from(r)
    .innerJoin(t, eq(t.reference, r.transactionReference))
    .where(where)
    .orderBy(desc(r.createdAt), desc(r.id))
    .limit(perPage)
    .offset((page - 1) * perPage);
  const total = totals?.total ?? 0;
  return ok(
    'Refunds retrieved',
    rows.map(({ refund, tx }) => refundWire(refund, tx, 'list')),
    { total, skipped: (page - 1) * perPage, perPage, page, pageCount: Math.ceil(total / perPage) },
  );
}

