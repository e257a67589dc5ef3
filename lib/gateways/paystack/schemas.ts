/**
 * Zod schemas for Paystack's wire format (docs/paystack.md §2–§10), tolerant where the wire varies:
 * unknown keys are dropped, optional keys are optional, and the quirks of docs/paystack.md §5 / §12.4 are normalised:
 * - `metadata` is an object, `""`, `0`, `null` or a stringified object → object | null;
 * - `authorization` may be `{}` (abandoned, failed) or carry `null`s → every field optional;
 * - `exp_month`/`exp_year` are strings or numbers → strings;
 * - `card_type` has a trailing space (`"visa "`) → trimmed;
 * - ids are above 2^31 (still safe JS integers) and sometimes strings → number;
 * - refund webhook `amount` is a string in some events and a number in others → number.
 * The SDK's own types are not used anywhere (docs/paystack.md §12.4: they do not match the wire).
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Money (docs/paystack.md §1): every amount is an integer in the currency's subunit. For KES the subunit is the
// cent, which is exactly Malipo's minor unit, so conversion is the identity — but it must stay an
// integer: a fractional subunit is refused by Paystack with `invalid_amount` (docs/paystack.md §13.5).

function assertWholeAmount(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of cents, got ${value}`);
  return value;
}

/** Malipo minor units (KES cents) → Paystack subunits (KES cents). */
export function toSubunit(minor: number): number {
  return assertWholeAmount(minor, 'amount');
}

/** Paystack subunits (KES cents) → Malipo minor units (KES cents). */
export function fromSubunit(subunit: number): number {
  return assertWholeAmount(subunit, 'Paystack amount');
}

/** Integer subunits, as a JSON number or an integer string (`"5000"` in refund webhooks, docs/paystack.md §9.5). */
export const subunitSchema = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().nonnegative());

/** Paystack ids: unsigned 64-bit in principle (docs/paystack.md §1), safe integers in practice; some arrive as strings. */
const idSchema = z.union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().nonnegative());

const nullableString = z.string().nullish().transform((v) => v ?? null);

// ---------------------------------------------------------------------------------------------
// metadata (docs/paystack.md §5): object | "" | 0 | null | stringified JSON object

export type PaystackMetadata = Record<string, unknown>;

export function normalizeMetadata(value: unknown): PaystackMetadata | null {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as PaystackMetadata;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as PaystackMetadata;
    } catch {
      // Not JSON after all: treat like "" below.
    }
  }
  return null;
}

// `.optional()` first: in zod 4 a transformed z.unknown() would otherwise make the key required.
export const metadataSchema = z.unknown().optional().transform(normalizeMetadata);

// ---------------------------------------------------------------------------------------------
// authorization (docs/paystack.md §5): possibly {}, exp as strings or numbers, card_type with a trailing space

const cardExpirySchema = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim()));

const trimmedString = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : v.trim()));

export const authorizationSchema = z.object({
  authorization_code: trimmedString,
  bin: nullableString,
  last4: nullableString,
  exp_month: cardExpirySchema,
  exp_year: cardExpirySchema,
  channel: nullableString,
  card_type: trimmedString,
  bank: nullableString,
  country_code: nullableString,
  brand: trimmedString,
  /** Absent in the 2016 sample; only `true` codes may be charged again (docs/paystack.md §8). */
  reusable: z.boolean().nullish().transform((v) => v === true),
  signature: nullableString,
  account_name: nullableString,
});
export type PaystackAuthorization = z.infer<typeof authorizationSchema>;

/** `authorization` as sent: an object (maybe `{}`), or occasionally null/absent → always an object. */
const authorizationFieldSchema = z
  .unknown()
  .optional()
  .transform((v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {}))
  .pipe(authorizationSchema);

export type CardDetails = {
  authorizationCode: string;
  reusable: boolean;
  brand: string;
  last4: string;
  /** Two digits, "01".."12". */
  expMonth: string;
  /** Four digits, e.g. "2030". */
  expYear: string;
  bank: string | null;
  /** Same for the same card across authorizations: dedupe saved cards by it (docs/paystack.md §8). */
  signature: string | null;
};

/**
 * What Malipo keeps about a card, or null when the authorization is empty or not a card
 * (`{}` for abandoned/failed transactions, mobile money, …).
 */
export function toCardDetails(authorization: PaystackAuthorization | null | undefined): CardDetails | null {
  if (!authorization) return null;
  const { authorization_code: code, last4 } = authorization;
  if (!code || !last4 || !/^\d{4}$/.test(last4)) return null;
  if (authorization.channel && authorization.channel !== 'card') return null;
  const brand = authorization.brand || authorization.card_type?.split(/\s+/)[0] || 'card';
  const month = authorization.exp_month ?? '';
  const year = authorization.exp_year ?? '';
  return {
    authorizationCode: code,
    reusable: authorization.reusable,
    brand: brand.toLowerCase(),
    last4,
    expMonth: /^\d{1,2}$/.test(month) ? month.padStart(2, '0') : month,
    expYear: /^\d{2}$/.test(year) ? `20${year}` : year,
    bank: authorization.bank,
    signature: authorization.signature,
  };
}

// ---------------------------------------------------------------------------------------------
// Customer and transaction (docs/paystack.md §5, §6, §10)

export const customerSchema = z.object({
  id: idSchema.nullish().transform((v) => v ?? null),
  email: nullableString,
  customer_code: nullableString,
  first_name: nullableString,
  last_name: nullableString,
  phone: nullableString,
});
export type PaystackCustomer = z.infer<typeof customerSchema>;

/** `data.status` values of docs/paystack.md §5. Anything else is kept as a string and treated as not final. */
export const TRANSACTION_STATUSES = [
  'success',
  'failed',
  'abandoned',
  'ongoing',
  'pending',
  'processing',
  'queued',
  'reversed',
] as const;
export type KnownTransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export const transactionSchema = z
  .object({
    id: idSchema,
    domain: z.string().optional(),
    status: z.string().trim().min(1),
    reference: z.string().trim().min(1),
    amount: subunitSchema,
    /** What was initialized; `amount` can be higher when fees are passed on (docs/paystack.md §5). */
    requested_amount: subunitSchema.nullish().transform((v) => v ?? null),
    currency: z.string().trim().toUpperCase(),
    gateway_response: nullableString,
    message: nullableString,
    channel: nullableString,
    paid_at: nullableString,
    paidAt: nullableString,
    created_at: nullableString,
    createdAt: nullableString,
    transaction_date: nullableString,
    fees: subunitSchema.nullish().transform((v) => v ?? null),
    metadata: metadataSchema,
    authorization: authorizationFieldSchema,
    customer: z
      .unknown()
      .optional()
      .transform((v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {}))
      .pipe(customerSchema),
  })
  // Two spellings, same value (docs/paystack.md §5): expose one.
  .transform(({ paidAt, createdAt, transaction_date, ...tx }) => ({
    ...tx,
    paid_at: tx.paid_at ?? paidAt,
    created_at: tx.created_at ?? createdAt ?? transaction_date,
  }));
export type ParsedTransaction = z.infer<typeof transactionSchema>;

// ---------------------------------------------------------------------------------------------
// Envelopes

/** docs/paystack.md §2: only `status` and `message` are guaranteed; `code` (snake_case) is the thing to match on. */
export const errorBodySchema = z.object({
  status: z.literal(false),
  message: z.string().default(''),
  code: z.string().optional(),
  type: z.string().optional(),
  meta: z.object({ nextStep: z.string().optional() }).partial().nullish(),
});
export type PaystackErrorBody = z.infer<typeof errorBodySchema>;

/** docs/paystack.md §3 */
export const initializeResponseSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: z.object({
    authorization_url: z.url({ protocol: /^https?$/ }),
    access_code: z.string().trim().min(1),
    reference: z.string().trim().min(1),
  }),
});

/** docs/paystack.md §5 verify and docs/paystack.md §6 fetch share the transaction object. */
export const transactionResponseSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: transactionSchema,
});

/** docs/paystack.md §7: offset meta or cursor meta; both accepted. */
export const listTransactionsResponseSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: z.array(transactionSchema),
  meta: z
    .object({
      total: z.number().optional(),
      skipped: z.number().optional(),
      perPage: z.coerce.number().optional(),
      page: z.coerce.number().optional(),
      pageCount: z.number().optional(),
      // "null" as a string appears in one copy of the docs (docs/paystack.md §7).
      next: z.string().nullish().transform((v) => (v && v !== 'null' ? v : null)),
      previous: z.string().nullish().transform((v) => (v && v !== 'null' ? v : null)),
    })
    .optional(),
});

/** docs/paystack.md §8: a challenged card pauses the charge; the customer must authorize at `authorization_url`. */
export const chargePausedResponseSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: z.object({
    paused: z.literal(true),
    authorization_url: z.url({ protocol: /^https?$/ }),
    reference: z.string().trim().min(1),
    access_code: z.string().optional(),
  }),
});

/** docs/paystack.md §8: `data` is the paused reply or a transaction whose `status` says success or failed. */
export const chargeAuthorizationResponseSchema = z.union([chargePausedResponseSchema, transactionResponseSchema]);

// ---------------------------------------------------------------------------------------------
// Refunds (docs/paystack.md §9)

export const REFUND_STATUSES = ['pending', 'processing', 'needs-attention', 'failed', 'processed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const refundSchema = z
  .object({
    id: idSchema,
    /** The transaction id (fetch, list) or an abridged transaction object (create). */
    transaction: z.union([
      idSchema,
      z.object({ id: idSchema.optional(), reference: z.string().optional() }),
    ]),
    amount: subunitSchema,
    currency: z.string().trim().toUpperCase(),
    status: z.string().trim().min(1),
    deducted_amount: subunitSchema.nullish().transform((v) => v ?? null),
    // boolean, though an older sample has 1/null (docs/paystack.md §9.3).
    fully_deducted: z.union([z.boolean(), z.number()]).nullish().transform((v) => v === true || v === 1),
    channel: nullableString,
    customer_note: nullableString,
    merchant_note: nullableString,
    refunded_by: nullableString,
    refunded_at: nullableString,
    expected_at: nullableString,
    createdAt: nullableString,
    created_at: nullableString,
    updatedAt: nullableString,
  })
  .transform(({ transaction, created_at, ...refund }) => ({
    ...refund,
    createdAt: refund.createdAt ?? created_at,
    transactionId: typeof transaction === 'number' ? transaction : (transaction.id ?? null),
    transactionReference: typeof transaction === 'number' ? null : (transaction.reference ?? null),
  }));
export type ParsedRefund = z.infer<typeof refundSchema>;

export const refundResponseSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: refundSchema,
});

export const listRefundsResponseSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: z.array(refundSchema),
  meta: z
    .object({
      total: z.number().optional(),
      skipped: z.number().optional(),
      perPage: z.coerce.number().optional(),
      page: z.coerce.number().optional(),
      pageCount: z.number().optional(),
    })
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// Webhooks (docs/paystack.md §9.5, §10)

export const REFUND_EVENTS = [
  'refund.pending',
  'refund.processing',
  'refund.needs-attention',
  'refund.failed',
  'refund.processed',
] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

/** Not a refund object: correlate by transaction_reference (docs/paystack.md §9.5). */
export const refundEventDataSchema = z.object({
  status: z.string().trim().min(1),
  transaction_reference: z.string().trim().min(1),
  refund_reference: nullableString,
  amount: subunitSchema,
  currency: z.string().trim().toUpperCase(),
  processor: nullableString,
  customer: z.object({ first_name: nullableString, last_name: nullableString, email: nullableString }).nullish(),
  domain: z.string().optional(),
  /** Only refund.needs-attention carries the refund id, as a string (docs/paystack.md §9.5). */
  id: z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v))),
  customer_note: nullableString,
  merchant_note: nullableString,
});
export type RefundEventData = z.infer<typeof refundEventDataSchema>;

const knownEvents = new Set<string>(['charge.success', ...REFUND_EVENTS]);

export const webhookSchema = z.union([
  z.object({ event: z.literal('charge.success'), data: transactionSchema }),
  z.object({ event: z.enum(REFUND_EVENTS), data: refundEventDataSchema }),
  // Every other event (docs/paystack.md §10's list keeps growing) is kept, unparsed, for the record.
  z.object({
    event: z
      .string()
      .trim()
      .min(1)
      .refine((event) => !knownEvents.has(event), 'known event with a malformed body'),
    data: z.unknown(),
  }),
]);

export type PaystackWebhook =
  | { kind: 'charge.success'; event: 'charge.success'; data: ParsedTransaction }
  | { kind: 'refund'; event: RefundEvent; data: RefundEventData }
  | { kind: 'unknown'; event: string; data: unknown };

/**
 * Parses a webhook body that has ALREADY passed verifyPaystackSignature (docs/paystack.md §10: verify first, then
 * parse). Returns null when it is not JSON or a known event's data is malformed.
 */
export function parsePaystackWebhook(rawOrValue: string | unknown): PaystackWebhook | null {
  let value: unknown = rawOrValue;
  if (typeof rawOrValue === 'string') {
    try {
      value = JSON.parse(rawOrValue);
    } catch {
      return null;
    }
  }
  const parsed = webhookSchema.safeParse(value);
  if (!parsed.success) return null;
  const body = parsed.data;
  if (body.event === 'charge.success') return { kind: 'charge.success', event: body.event, data: body.data as ParsedTransaction };
  if ((REFUND_EVENTS as readonly string[]).includes(body.event)) {
    return { kind: 'refund', event: body.event as RefundEvent, data: body.data as RefundEventData };
  }
  return { kind: 'unknown', event: body.event, data: body.data };
}

// ---------------------------------------------------------------------------------------------
// Settlements (GET /settlement, GET /settlement/:id/transactions). Not in docs/paystack.md: the
// fields come from the paystack-sdk's typings and Paystack's API reference (total_amount is what
// reached the bank, total_processed the gross, total_fees Paystack's fees; all subunits).

export const settlementSchema = z.object({
  id: idSchema,
  status: z.string().trim(),
  currency: z.string().trim().toUpperCase().optional().default('KES'),
  total_amount: subunitSchema,
  total_processed: subunitSchema.nullish().transform((v) => v ?? null),
  total_fees: subunitSchema.nullish().transform((v) => v ?? null),
  settlement_date: nullableString,
  createdAt: nullableString,
});
export type ParsedSettlement = z.infer<typeof settlementSchema>;

const pageMeta = z
  .object({ page: z.coerce.number().optional(), pageCount: z.coerce.number().optional(), next: z.string().nullish() })
  .partial()
  .optional();

export const listSettlementsResponseSchema = z.object({ status: z.literal(true), message: z.string(), data: z.array(settlementSchema), meta: pageMeta });
export const settlementTransactionsResponseSchema = z.object({ status: z.literal(true), message: z.string(), data: z.array(transactionSchema), meta: pageMeta });
