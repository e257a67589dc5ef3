// The sandbox's Paybill: a customer paying from the SIM menu (M-Pesa → Lipa na M-Pesa → Pay Bill).
// Like Daraja it asks the registered ValidationURL first, then (accepted, or no answer in time
// with ResponseType "Completed") POSTs the confirmation to the ConfirmationURL, in Daraja's exact
// shapes (docs/daraja.md §10.3): TransAmount a string, MSISDN masked or a SHA-256 hash.
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { sandboxC2bRegistrations } from '@/db/paybill-schema';
import { darajaTimestamp } from '@/lib/gateways/daraja/password';
import { normalizeKenyanPhone } from '@/lib/phone';
import { receiptNumber } from './phone';

export const SANDBOX_PAYBILL = '174379';
/** Daraja waits "roughly under 8 seconds" for a validation answer (docs/daraja.md §10.3). */
const VALIDATION_WAIT_MS = 8000;
const CONFIRMATION_TIMEOUT_MS = 10_000;

export async function saveC2bRegistration(db: Queryable, r: { shortCode: string; responseType: string; confirmationUrl: string; validationUrl: string }) {
  await db
    .insert(sandboxC2bRegistrations)
    .values(r)
    .onConflictDoUpdate({ target: sandboxC2bRegistrations.shortCode, set: { responseType: r.responseType, confirmationUrl: r.confirmationUrl, validationUrl: r.validationUrl, registeredAt: new Date() } });
}

export async function c2bRegistration(db: Queryable, shortCode = SANDBOX_PAYBILL) {
  const [row] = await db.select().from(sandboxC2bRegistrations).where(eq(sandboxC2bRegistrations.shortCode, shortCode));
  return row ?? null;
}

export const paybillInput = z.object({
  account: z.string().trim().min(1, 'Enter the account number.').max(40, 'An account number has at most 40 characters.'),
  amountKes: z.coerce.number({ error: 'Enter the amount in whole shillings.' }).int('Enter whole shillings.').min(1, 'Enter at least KES 1.').max(250_000, 'At most KES 250,000.'),
  payerName: z.string().trim().min(1, "Enter the payer's name as M-Pesa knows it.").max(80),
  phone: z.string().trim().max(20).default('0708374149'),
  msisdnFormat: z.enum(['masked', 'hashed']).default('masked'),
});
export type PaybillInput = z.input<typeof paybillInput>;

export type PaybillResult =
  | { ok: true; transId: string; validation: string; confirmationStatus: number }
  | { ok: false; error: string; transId?: string; validation?: string };

/** MSISDN as newer C2B messages carry it: masked ("2547****149") or a 64-character SHA-256 hex. */
export function c2bMsisdn(msisdn: string, format: 'masked' | 'hashed'): string {
  return format === 'hashed' ? crypto.createHash('sha256').update(msisdn).digest('hex') : `${msisdn.slice(0, 4)}****${msisdn.slice(-3)}`;
}

/** The validation/confirmation body, as compact JSON text in Daraja's field order. */
export function c2bBody(p: { transId: string; at: Date; amountKes: number; shortCode: string; account: string; msisdn: string; names: string[] }): string {
  const [first = '', ...rest] = p.names;
  const last = rest.length ? rest[rest.length - 1] : '';
  const middle = rest.slice(0, -1).join(' ');
  return JSON.stringify({
    TransactionType: 'Pay Bill',
    TransID: p.transId,
    TransTime: darajaTimestamp(p.at),
    TransAmount: `${p.amountKes}.00`,
    BusinessShortCode: p.shortCode,
    BillRefNumber: p.account,
    InvoiceNumber: '',
    OrgAccountBalance: '',
    ThirdPartyTransID: '',
    MSISDN: p.msisdn,
    FirstName: first,
    MiddleName: middle,
    LastName: last,
  });
}

async function post(url: string, body: string, timeoutMs: number, fetchImpl: typeof fetch) {
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    redirect: 'manual',
    cache: 'no-store',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

export async function payByPaybill(db: Queryable, raw: PaybillInput, opts: { now?: () => Date; fetch?: typeof fetch } = {}): Promise<PaybillResult> {
  const input = paybillInput.safeParse(raw);
  if (!input.success) return { ok: false, error: input.error.issues[0].message };
  const phone = normalizeKenyanPhone(input.data.phone);
  if (!phone.ok) return { ok: false, error: phone.error };
  const reg = await c2bRegistration(db);
  if (!reg) return { ok: false, error: 'No confirmation URL is registered for the sandbox Paybill 174379: run npm run mpesa:register-c2b.' };
  const fetchImpl = opts.fetch ?? fetch;
  const now = opts.now?.() ?? new Date();
  const transId = receiptNumber(now);
  const body = c2bBody({
    transId,
    at: now,
    amountKes: input.data.amountKes,
    shortCode: reg.shortCode,
    account: input.data.account,
    msisdn: c2bMsisdn(phone.msisdn, input.data.msisdnFormat),
    names: input.data.payerName.toUpperCase().split(/\s+/).filter(Boolean),
  });
  let validation = 'no answer';
  try {
    const v = await post(reg.validationUrl, body, VALIDATION_WAIT_MS, fetchImpl);
    validation = String(v.json?.ResultCode ?? `HTTP ${v.status}`);
  } catch {
    validation = 'no answer';
  }
  const accepted = validation === '0' || (validation !== '0' && !/^C2B/.test(validation) && reg.responseType === 'Completed');
  if (!accepted) return { ok: false, transId, validation, error: `The Paybill refused the payment (${validation}): M-Pesa would tell the payer the account is invalid. No money moved.` };
  try {
    const c = await post(reg.confirmationUrl, body, CONFIRMATION_TIMEOUT_MS, fetchImpl);
    return c.status < 300 ? { ok: true, transId, validation, confirmationStatus: c.status } : { ok: false, transId, validation, error: `The app answered the confirmation with HTTP ${c.status}.` };
  } catch (err) {
    return { ok: false, transId, validation, error: `The confirmation could not be delivered (${err instanceof Error ? err.message : String(err)}).` };
  }
}
