/**
 * The sandbox's hosted checkout (the page at /sandbox/paystack/checkout/<access_code> stands in for
 * checkout.paystack.com, docs/paystack.md §4). A tester pays with one of Paystack's test cards
 * (docs/paystack.md §11); the outcome is stored on the emulator's transaction, and a success is announced with a
 * signed `charge.success` webhook (docs/paystack.md §10) before the browser is sent to the callback URL (docs/paystack.md §4.3).
 *
 * Card numbers are only ever matched against the test-card table: nothing else is stored or echoed.
 */
import crypto from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';

import type { Queryable } from '@/db/client';
import { sandboxPaystackTransactions } from '@/db/sandbox-schema';
import {
  chargeSuccessEvent,
  isSavedCardCharge,
  paystackWebhookUrl,
  sendPaystackWebhook,
  type SandboxTransactionRow,
  type WebhookDelivery,
} from './webhooks';

// ---------------------------------------------------------------------------------------------
// Test cards (docs/paystack.md §11, the newest copy of Paystack's Test Payments page)

export type CardBrand = 'visa' | 'mastercard' | 'verve';
/** What the refund of a payment made with this card does (docs/paystack.md §11's refund cards). */
export type RefundBehaviour = 'processed' | 'failed' | 'needs-attention';

export type TestCard = {
  number: string;
  cvv: string;
  brand: CardBrand;
  /** Shown on the checkout page. */
  label: string;
  outcome: 'success' | 'failed';
  gatewayResponse: string;
  pin?: string;
  otp?: string;
  /** The card asks for a phone number; fewer than 10 digits fails (docs/paystack.md §11). */
  asksPhone?: boolean;
  refund: RefundBehaviour;
};

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4084084084084081', cvv: '408', brand: 'visa', label: 'Success', outcome: 'success', gatewayResponse: 'Successful', refund: 'processed' },
  { number: '5192602720584796', cvv: '123', brand: 'mastercard', label: 'Success after bank authorization (3DS)', outcome: 'success', gatewayResponse: 'Successful', refund: 'processed' },
  { number: '507850785078507812', cvv: '081', brand: 'verve', label: 'Success after PIN 1111', outcome: 'success', gatewayResponse: 'Successful', pin: '1111', refund: 'processed' },
  { number: '5060666666666666666', cvv: '123', brand: 'verve', label: 'Success after PIN 1234 + OTP 123456', outcome: 'success', gatewayResponse: 'Successful', pin: '1234', otp: '123456', refund: 'processed' },
  { number: '507850785078507804', cvv: '884', brand: 'verve', label: 'Success after PIN 0000 + phone + OTP 123456', outcome: 'success', gatewayResponse: 'Successful', pin: '0000', otp: '123456', asksPhone: true, refund: 'processed' },
  { number: '4084080000005408', cvv: '001', brand: 'visa', label: 'Declined', outcome: 'failed', gatewayResponse: 'Declined', refund: 'processed' },
  { number: '4084080000670037', cvv: '787', brand: 'visa', label: 'Insufficient funds', outcome: 'failed', gatewayResponse: 'Insufficient Funds', refund: 'processed' },
  { number: '507850785078507853', cvv: '082', brand: 'verve', label: 'Fails after PIN 0000: Token Not Generated', outcome: 'failed', gatewayResponse: 'Token Not Generated', pin: '0000', refund: 'processed' },
  { number: '4084080000671803', cvv: '180', brand: 'visa', label: 'Success; its refund will fail', outcome: 'success', gatewayResponse: 'Successful', refund: 'failed' },
  { number: '4084080000671902', cvv: '190', brand: 'visa', label: 'Success; its refund needs attention', outcome: 'success', gatewayResponse: 'Successful', refund: 'needs-attention' },
];

const digitsOnly = (s: string) => s.replace(/[\s-]/g, '');

export function testCardByNumber(number: string): TestCard | undefined {
  const digits = digitsOnly(number);
  return TEST_CARDS.find((card) => card.number === digits);
}

/** The test card behind a stored authorization (bin + last4 are unique among docs/paystack.md §11's cards). */
export function testCardForAuthorization(authorization: unknown): TestCard | undefined {
  if (!authorization || typeof authorization !== 'object') return undefined;
  const { bin, last4 } = authorization as { bin?: unknown; last4?: unknown };
  return TEST_CARDS.find((card) => card.number.slice(0, 6) === bin && card.number.slice(-4) === last4);
}

// ---------------------------------------------------------------------------------------------
// Stable ids: the same card gives the same signature; the same card and email the same AUTH_ code

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function hashChars(input: string, alphabet: string, length: number): string {
  const digest = crypto.createHash('sha512').update(input).digest();
  let out = '';
  for (let i = 0; out.length < length; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

/** `AUTH_` + 10 characters, like `AUTH_uh8bcl3zbn` (docs/paystack.md §5). */
export const authorizationCodeFor = (cardNumber: string, email: string) =>
  `AUTH_${hashChars(`auth:${email.trim().toLowerCase()}:${digitsOnly(cardNumber)}`, LOWER, 10)}`;

/** `SIG_` + 20 characters, like `SIG_yEXu7dLBeqG0kU7g95Ke`: one per card (docs/paystack.md §5, §8). */
export const cardSignatureFor = (cardNumber: string) => `SIG_${hashChars(`sig:${digitsOnly(cardNumber)}`, MIXED, 20)}`;

// ---------------------------------------------------------------------------------------------
// Completing a checkout

export type CheckoutCardInput = {
  number: string;
  /** MM/YY (MM/YYYY also accepted). */
  expiry: string;
  cvv: string;
  pin?: string;
  otp?: string;
  phone?: string;
};

export type CheckoutOptions = {
  secretKey: string;
  appOrigin: string;
  now?: () => Date;
  /** For webhook delivery. */
  fetch?: typeof fetch;
};

/** What the page must ask for next, when the card needs more than number/expiry/CVV. */
export type CheckoutNeeds = 'pin' | 'phone' | 'otp';

export type CheckoutResult =
  | {
      ok: true;
      reference: string;
      /** callback_url + trxref/reference (docs/paystack.md §4.3); null when the checkout had no callback_url. */
      redirectUrl: string | null;
      webhook: WebhookDelivery;
    }
  | {
      ok: false;
      /**
       * not_found: no such checkout. paid: already paid (redirectUrl lets the page link back).
       * input: the form is incomplete or wrong; nothing was stored. needs: ask for `needs`.
       * declined: the attempt failed and was stored; the customer may try another card.
       */
      reason: 'not_found' | 'paid' | 'input' | 'needs' | 'declined';
      message: string;
      needs?: CheckoutNeeds;
      redirectUrl?: string | null;
    };

/** callback_url + `?`/`&` + `trxref=<ref>&reference=<ref>`, before any #fragment (docs/paystack.md §4.3). */
export function callbackRedirectUrl(callbackUrl: string, reference: string): string {
  const hashAt = callbackUrl.indexOf('#');
  const base = hashAt === -1 ? callbackUrl : callbackUrl.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : callbackUrl.slice(hashAt);
  const ref = encodeURIComponent(reference);
  const joiner = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${joiner}trxref=${ref}&reference=${ref}${hash}`;
}

/** A card's expiry as ["MM", "YYYY"], or null when it is not MM/YY or MM/YYYY. */
export function parseExpiry(expiry: string): [string, string] | null {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(expiry);
  if (!m) return null;
  const month = Number(m[1]);
  if (month < 1 || month > 12) return null;
  const year = m[2]!.length === 2 ? `20${m[2]}` : m[2]!;
  return [String(month).padStart(2, '0'), year];
}

export async function loadCheckout(db: Queryable, accessCode: string): Promise<SandboxTransactionRow | null> {
  if (!/^[a-z0-9]{1,64}$/.test(accessCode)) return null;
  const [row] = await db
    .select()
    .from(sandboxPaystackTransactions)
    .where(eq(sandboxPaystackTransactions.accessCode, accessCode))
    .limit(1);
  // A saved-card charge has no hosted checkout.
  return row && !isSavedCardCharge(row) ? row : null;
}

const isPaid = (row: SandboxTransactionRow) => row.status === 'success' || row.status === 'reversed';

export async function completeCheckout(
  db: Queryable,
  accessCode: string,
  card: CheckoutCardInput,
  opts: CheckoutOptions,
): Promise<CheckoutResult> {
  const now = opts.now?.() ?? new Date();
  const row = await loadCheckout(db, accessCode);
  if (!row) return { ok: false, reason: 'not_found', message: 'This checkout does not exist.' };
  if (isPaid(row)) {
    return {
      ok: false,
      reason: 'paid',
      message: 'This payment is complete.',
      redirectUrl: row.callbackUrl ? callbackRedirectUrl(row.callbackUrl, row.reference) : null,
    };
  }

  const testCard = testCardByNumber(card.number ?? '');
  if (!testCard) {
    return { ok: false, reason: 'input', message: 'This sandbox only accepts Paystack test cards. Pick one from the list below.' };
  }
  const expiry = parseExpiry(card.expiry ?? '');
  if (!expiry) return { ok: false, reason: 'input', message: 'Enter the expiry date as MM/YY.' };
  // The listed CVV is a hint; any 3 digits are accepted, as the form is about outcomes, not typing.
  if (!/^\d{3}$/.test((card.cvv ?? '').trim())) return { ok: false, reason: 'input', message: 'Enter the 3-digit CVV.' };

  const pin = card.pin?.trim() ?? '';
  const otp = card.otp?.trim() ?? '';
  const phoneDigits = (card.phone ?? '').replace(/\D/g, '');
  if (testCard.pin) {
    if (!pin) return { ok: false, reason: 'needs', needs: 'pin', message: 'Enter your card PIN to continue.' };
    if (pin !== testCard.pin) {
      return { ok: false, reason: 'needs', needs: 'pin', message: `Incorrect PIN. This test card's PIN is ${testCard.pin}.` };
    }
  }
  let outcome = testCard.outcome;
  let gatewayResponse = testCard.gatewayResponse;
  if (testCard.asksPhone) {
    if (!phoneDigits) return { ok: false, reason: 'needs', needs: 'phone', message: 'Enter your phone number to continue.' };
    if (phoneDigits.length < 10) {
      outcome = 'failed';
      gatewayResponse = 'Invalid phone number';
    }
  }
  if (testCard.otp && outcome === 'success') {
    if (!otp) return { ok: false, reason: 'needs', needs: 'otp', message: 'Enter the OTP sent to your phone.' };
    if (otp !== testCard.otp) {
      return { ok: false, reason: 'needs', needs: 'otp', message: `Incorrect OTP. For this test card use ${testCard.otp}.` };
    }
  }
  // Any future expiry works for the test cards (docs/paystack.md §11); a past one is declined by the "bank".
  const [expMonth, expYear] = expiry;
  const currentMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  if (`${expYear}-${expMonth}` < currentMonth) {
    outcome = 'failed';
    gatewayResponse = 'Expired card';
  }

  const success = outcome === 'success';
  const authorization = {
    authorization_code: authorizationCodeFor(testCard.number, row.email),
    bin: testCard.number.slice(0, 6),
    last4: testCard.number.slice(-4),
    exp_month: expMonth,
    exp_year: expYear,
    channel: 'card',
    // Paystack's trailing space (docs/paystack.md §5).
    card_type: `${testCard.brand} `,
    bank: 'TEST BANK',
    country_code: 'KE',
    brand: testCard.brand,
    // Failed attempts keep a partial, non-reusable authorization (docs/paystack.md §14: handle both forms).
    reusable: success,
    signature: cardSignatureFor(testCard.number),
    account_name: null,
    receiver_bank_account_number: null,
    receiver_bank: null,
  };

  // Only an unpaid checkout moves: a double submit (or another instance) cannot pay twice, and
  // only the call that made it `success` sends the webhook, so it goes out once.
  const [updated] = await db
    .update(sandboxPaystackTransactions)
    .set({
      status: outcome,
      gatewayResponse,
      channel: 'card',
      authorization,
      paidAt: success ? now : null,
    })
    .where(
      and(
        eq(sandboxPaystackTransactions.id, row.id),
        inArray(sandboxPaystackTransactions.status, ['abandoned', 'failed']),
      ),
    )
    .returning();
  if (!updated) {
    return {
      ok: false,
      reason: 'paid',
      message: 'This payment is complete.',
      redirectUrl: row.callbackUrl ? callbackRedirectUrl(row.callbackUrl, row.reference) : null,
    };
  }
  if (!success) return { ok: false, reason: 'declined', message: gatewayResponse };

  // Delivered before the redirect, so the app usually knows by the time the browser arrives; the
  // callback must verify anyway (docs/paystack.md §4.4), and in production the two race (docs/paystack.md §13.8).
  const webhook = await sendPaystackWebhook(paystackWebhookUrl(opts.appOrigin), chargeSuccessEvent(updated), opts.secretKey, {
    fetch: opts.fetch,
  });
  return {
    ok: true,
    reference: updated.reference,
    redirectUrl: updated.callbackUrl ? callbackRedirectUrl(updated.callbackUrl, updated.reference) : null,
    webhook,
  };
}

/**
 * "Cancel payment": metadata.cancel_action when the app gave one (docs/paystack.md §3), else back to the callback
 * URL with the reference (the app's verify then reads `abandoned`). The transaction stays as it is.
 * Null when there is nowhere to go.
 */
export async function cancelCheckout(db: Queryable, accessCode: string): Promise<string | null> {
  const row = await loadCheckout(db, accessCode);
  if (!row) return null;
  const metadata = row.metadata as { cancel_action?: unknown } | null;
  const cancelAction = typeof metadata?.cancel_action === 'string' ? metadata.cancel_action : null;
  if (cancelAction && isHttpUrl(cancelAction)) return cancelAction;
  return row.callbackUrl ? callbackRedirectUrl(row.callbackUrl, row.reference) : null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
