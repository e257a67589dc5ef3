// M-Pesa C2B (Paybill) as the payment core sees it: Daraja's validation and confirmation bodies
// (docs/daraja.md §10.3) in; a PaybillPayment for lib/paybill/ingest.ts, a verdict for the core,
// and the validation reply out. Pure: no database, no status writes.
import { z } from 'zod';
import { parseDarajaDate } from '@/lib/gateways/daraja/password';
import { parseKesInput } from '@/lib/money';
import type { PaybillPayment } from '@/lib/paybill/types';
import type { Verdict } from '../core/verdict';

// Daraja sends numbers as strings and sometimes as numbers; the amount is a string ("10", "200.00").
const text = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const optionalText = z.union([z.string(), z.number(), z.null()]).optional().transform((v) => (v === null || v === undefined ? '' : String(v).trim()));

const c2bBodySchema = z.object({
  TransactionType: optionalText,
  TransID: text.pipe(z.string().regex(/^[A-Za-z0-9]{6,20}$/, 'TransID must be 6-20 letters and digits')),
  TransTime: text.pipe(z.string().regex(/^\d{14}$/, 'TransTime must be YYYYMMDDHHmmss')),
  TransAmount: text,
  BusinessShortCode: text.pipe(z.string().regex(/^\d{4,8}$/, 'BusinessShortCode must be digits')),
  BillRefNumber: optionalText,
  InvoiceNumber: optionalText,
  OrgAccountBalance: optionalText,
  ThirdPartyTransID: optionalText,
  MSISDN: optionalText,
  FirstName: optionalText,
  MiddleName: optionalText,
  LastName: optionalText,
});

/** A C2B validation or confirmation body, read. */
export type C2bMessage = {
  transactionType: string;
  transId: string;
  transTime: Date;
  amountMinor: number;
  shortCode: string;
  billRef: string;
  payerName: string;
  msisdn: string | null;
};

export function parseC2bBody(body: unknown): { ok: true; value: C2bMessage } | { ok: false; error: string } {
  const parsed = c2bBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: `Not a C2B message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  const b = parsed.data;
  const amountMinor = parseKesInput(b.TransAmount);
  if (amountMinor === null || amountMinor <= 0) return { ok: false, error: `Not a C2B message: TransAmount ${JSON.stringify(b.TransAmount)} is not an amount` };
  const transTime = parseDarajaDate(b.TransTime);
  if (!transTime) return { ok: false, error: 'Not a C2B message: TransTime is not a date' };
  return {
    ok: true,
    value: {
      transactionType: b.TransactionType,
      transId: b.TransID.toUpperCase(),
      transTime,
      amountMinor,
      shortCode: b.BusinessShortCode,
      billRef: b.BillRefNumber,
      payerName: [b.FirstName, b.MiddleName, b.LastName].filter(Boolean).join(' ').replace(/\s+/g, ' '),
      msisdn: storedMsisdn(b.MSISDN),
    },
  };
}

/**
 * Safaricom masks the payer's number ("25470****149") or sends a SHA-256 hash. Either is kept as
 * it came; a full number (older callbacks) is masked here, since we never match on it.
 */
export function storedMsisdn(value: string): string | null {
  if (!value) return null;
  if (/^\d{12}$/.test(value)) return `${value.slice(0, 5)}****${value.slice(-3)}`;
  return value.slice(0, 64);
}

export function toPaybillPayment(m: C2bMessage, gatewayEventId?: number): PaybillPayment {
  return {
    transId: m.transId,
    transTime: m.transTime,
    amountMinor: m.amountMinor,
    shortCode: m.shortCode,
    billRef: m.billRef,
    payerName: m.payerName,
    msisdn: m.msisdn,
    source: 'c2b_confirmation',
    ...(gatewayEventId !== undefined ? { gatewayEventId } : {}),
  };
}

const VIA: Record<PaybillPayment['source'], string> = { c2b_confirmation: 'Paybill confirmation', statement: 'M-Pesa statement' };

/** Money paid to our Paybill and matched to a payment we opened for it: paid, with its receipt. */
export function paybillVerdict(p: PaybillPayment, flag?: string): Verdict {
  return { kind: 'paid', amountMinor: p.amountMinor, currency: 'KES', receipt: p.transId, via: VIA[p.source], ...(flag ? { flag } : {}) };
}

/** Daraja's validation result codes (docs/daraja.md §10.3). */
export const C2B_REJECT = {
  invalidMsisdn: 'C2B00011',
  invalidAccount: 'C2B00012',
  invalidAmount: 'C2B00013',
  invalidKyc: 'C2B00014',
  invalidShortcode: 'C2B00015',
  other: 'C2B00016',
} as const;

export const C2B_ACCEPT = { ResultCode: '0', ResultDesc: 'Accepted' } as const;

/** Our answer to a validation request: we refuse only an account that matches no active policy. */
export function validationReply(accountMatches: boolean): { ResultCode: string; ResultDesc: string } {
  return accountMatches ? C2B_ACCEPT : { ResultCode: C2B_REJECT.invalidAccount, ResultDesc: 'Rejected' };
}
