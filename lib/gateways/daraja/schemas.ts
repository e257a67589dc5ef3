/**
 * Zod schemas for the Daraja M-Pesa Express wire format (docs/daraja.md §2, §3.5, §3.6, §5, §6),
 * and the parser for the STK callback body.
 *
 * The schemas are deliberately tolerant where the wire varies (number vs string, optional keys,
 * unknown keys are stripped) and strict only where we cannot act without a value.
 */
import { z } from 'zod';

import { normalizeKenyanPhone } from '@/lib/phone';
import { parseDarajaDate } from './password';
import { normalizeResultCode } from './result-codes';

/** ResultCode is a number in callbacks, a string in queries and for codes like "SFC_IC0003" (docs/daraja.md §12.12). */
const resultCodeSchema = z.union([z.number(), z.string().trim().min(1)]);

// ---------------------------------------------------------------------------------------------
// OAuth (docs/daraja.md §2)

/** `expires_in` is the string "3599" on the wire and the number 3599 on the Daraja 3.0 page. */
const expiresInSchema = z
  .union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number)])
  .pipe(z.number().positive());

export const oauthTokenSchema = z.object({
  access_token: z.string().trim().min(1),
  expires_in: expiresInSchema,
});
export type OauthToken = z.infer<typeof oauthTokenSchema>;

// ---------------------------------------------------------------------------------------------
// Synchronous errors (docs/daraja.md §3.6): camelCase keys, unlike the PascalCase success bodies.

export const darajaErrorSchema = z.object({
  /** May be "" or absent (the query's "does not Exist" answer carried only two keys, docs/daraja.md §5). */
  requestId: z.string().optional(),
  errorCode: z.string().trim().min(1),
  errorMessage: z.string().optional().default(''),
});
export type DarajaError = z.infer<typeof darajaErrorSchema>;

// ---------------------------------------------------------------------------------------------
// STK Push acknowledgement (docs/daraja.md §3.5). ResponseCode is checked by the caller: only the string "0" is ok.

export const stkPushAckSchema = z.object({
  MerchantRequestID: z.string(),
  CheckoutRequestID: z.string().trim().min(1),
  ResponseCode: z.union([z.string(), z.number()]),
  ResponseDescription: z.string().optional(),
  CustomerMessage: z.string().optional(),
});
export type StkPushAck = z.infer<typeof stkPushAckSchema>;

// ---------------------------------------------------------------------------------------------
// STK Query answer (docs/daraja.md §5). Only ResultCode is required: the 2026 "4999" answer may carry nothing else.

export const stkQueryAnswerSchema = z.object({
  ResponseCode: z.union([z.string(), z.number()]).optional(),
  ResponseDescription: z.string().optional(),
  MerchantRequestID: z.string().optional(),
  CheckoutRequestID: z.string().optional(),
  ResultCode: resultCodeSchema,
  ResultDesc: z.string().optional(),
});
export type StkQueryAnswer = z.infer<typeof stkQueryAnswerSchema>;

// ---------------------------------------------------------------------------------------------
// STK callback (docs/daraja.md §6)

export const stkCallbackBodySchema = z.object({
  Body: z.object({
    stkCallback: z.object({
      // Opaque and never used to match anything; tolerate its absence rather than lose the callback.
      MerchantRequestID: z.string().optional(),
      /** The join key (docs/daraja.md §6.3): without it the callback cannot be attributed from the body. */
      CheckoutRequestID: z.string().trim().min(1),
      ResultCode: resultCodeSchema,
      ResultDesc: z.string().optional(),
      // Validated item by item below, so one odd item cannot make us drop a whole callback.
      CallbackMetadata: z.object({ Item: z.array(z.unknown()) }).optional(),
    }),
  }),
});

export type StkCallback = {
  merchantRequestId: string;
  checkoutRequestId: string;
  /** Canonical string form: "0", "1032", "SFC_IC0003". */
  resultCode: string;
  resultDesc: string;
  /** Amount in cents (shillings × 100), or null when absent or unreadable. */
  amountMinor: number | null;
  receipt: string | null;
  transactionDate: Date | null;
  /** The payer's 12-digit MSISDN (`2547…` / `2541…`). */
  phone: string | null;
};

const metadataItemSchema = z.object({ Name: z.string(), Value: z.unknown().optional() });

/**
 * Reads CallbackMetadata.Item by Name, never by index: the order and the count vary, and Balance
 * has no Value at all (docs/daraja.md §6.3, §12.13). A name that appears twice with different values is treated
 * as missing, so an ambiguous (possibly forged) body is sent to review instead of being credited.
 */
function metadataByName(items: readonly unknown[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const conflicting = new Set<string>();
  for (const raw of items) {
    const item = metadataItemSchema.safeParse(raw);
    if (!item.success || item.data.Value === undefined || item.data.Value === null) continue;
    const { Name: name, Value: value } = item.data;
    if (values.has(name) && values.get(name) !== value) conflicting.add(name);
    values.set(name, value);
  }
  for (const name of conflicting) values.delete(name);
  return values;
}

/**
 * Converts Daraja's shilling amount (`1`, `1.00`, `"1.00"`, `450`) into integer cents from its
 * decimal digits, so no float arithmetic touches money. More than two non-zero decimals, negative
 * numbers and exponents are rejected (null): M-Pesa amounts are whole shillings (docs/daraja.md §3.3).
 */
export function shillingsToMinor(value: unknown): number | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value); // "1" for 1.00, "450.5" for 450.5; exponent forms are rejected below
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (/[1-9]/.test(fraction.slice(2))) return null; // sub-cent digits: not an M-Pesa amount
  const cents = fraction.slice(0, 2).padEnd(2, '0');
  const minor = Number(whole) * 100 + Number(cents);
  return Number.isSafeInteger(minor) ? minor : null;
}

function receiptFrom(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const receipt = String(value).trim();
  return receipt === '' ? null : receipt;
}

function phoneFrom(value: unknown): string | null {
  // A number in every capture (254708374149); 12 digits is well within the safe-integer range.
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return null;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const normalized = normalizeKenyanPhone(String(value));
  return normalized.ok ? normalized.msisdn : null;
}

function dateFrom(value: unknown): Date | null {
  return typeof value === 'number' || typeof value === 'string' ? parseDarajaDate(value) : null;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Parses the JSON body Daraja POSTs to the CallBackURL. ok:false only when the body cannot be
 * attributed or has no result; a success with missing metadata is ok:true with nulls, so the
 * caller can store it and flag it for review rather than credit it (docs/daraja.md §6.3 last paragraph).
 */
export function parseStkCallback(
  body: unknown,
): { ok: true; value: StkCallback } | { ok: false; error: string } {
  const parsed = stkCallbackBodySchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, error: `Not an STK callback: ${describeIssues(parsed.error)}` };
  }
  const callback = parsed.data.Body.stkCallback;
  // Metadata is only meaningful on a success (docs/daraja.md §6.2: failures have no CallbackMetadata key at all).
  const metadata = metadataByName(callback.CallbackMetadata?.Item ?? []);

  return {
    ok: true,
    value: {
      merchantRequestId: callback.MerchantRequestID ?? '',
      checkoutRequestId: callback.CheckoutRequestID,
      resultCode: normalizeResultCode(callback.ResultCode),
      resultDesc: callback.ResultDesc ?? '',
      amountMinor: shillingsToMinor(metadata.get('Amount')),
      receipt: receiptFrom(metadata.get('MpesaReceiptNumber')),
      transactionDate: dateFrom(metadata.get('TransactionDate')),
      phone: phoneFrom(metadata.get('PhoneNumber')),
    },
  };
}
