/**
 * Kenyan phone numbers for M-Pesa (docs/daraja.md §11).
 *
 * Daraja takes the payer as a 12-digit MSISDN, `2547XXXXXXXX` or `2541XXXXXXXX`, and callbacks
 * return it in the same form. We store and compare that 12-digit string everywhere.
 */

export type NormalizedPhone =
  | { ok: true; msisdn: string; likelySafaricom: boolean }
  | { ok: false; error: string };

const EXAMPLE_HINT = 'Enter a Kenyan M-Pesa number like 0712 345 678.';

/** Separators people type or paste: spaces (incl. non-breaking), dashes of any kind, dots, parentheses. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212.()]/g;

/**
 * Each accepted written form, reduced to the 9-digit subscriber part (docs/daraja.md §11 "Accepted inputs").
 * Order matters only for readability; the patterns do not overlap.
 */
const ACCEPTED_FORMS: readonly RegExp[] = [
  /^\+?254(\d{9})$/, // +254712345678, 254712345678
  /^\+?2540(\d{9})$/, // +2540712345678: the common typo, a trunk 0 kept after the country code
  /^00254(\d{9})$/, // 00254712345678: international dialling prefix
  /^002540(\d{9})$/, // 002540712345678: the same typo with the 00 prefix
  /^0(\d{9})$/, // 0712345678, 0110123456
  /^(\d{9})$/, // 712345678, 110123456
];

/** Mobile subscriber numbers start with 7 or 1 (docs/daraja.md §11). */
const SUBSCRIBER = /^[17]\d{8}$/;

/**
 * Safaricom ranges from docs/daraja.md §11, written as prefixes of the 9-digit subscriber part (without the 0).
 * Number portability means this is a hint only: warn, never block (Daraja decides).
 */
const SAFARICOM_SUBSCRIBER_PREFIXES: readonly string[] = [
  '70', '71', '72', '79',
  '740', '741', '742', '743', '745', '746', '748', '749',
  '757', '758', '759', '768', '769',
  '110', '111', '112', '113', '114', '115',
];

export function normalizeKenyanPhone(input: string): NormalizedPhone {
  if (typeof input !== 'string') return { ok: false, error: EXAMPLE_HINT };
  const compact = input.trim().replace(SEPARATORS, '');
  if (compact === '') return { ok: false, error: 'Enter your M-Pesa phone number, like 0712 345 678.' };

  let subscriber: string | null = null;
  for (const form of ACCEPTED_FORMS) {
    const match = form.exec(compact);
    if (match) {
      subscriber = match[1] ?? null;
      break;
    }
  }

  if (subscriber === null) {
    if (/^(\+|00)(?!254)\d+$/.test(compact)) {
      return { ok: false, error: `Only Kenyan numbers can pay with M-Pesa. ${EXAMPLE_HINT}` };
    }
    return { ok: false, error: `That does not look like a Kenyan phone number. ${EXAMPLE_HINT}` };
  }
  if (!SUBSCRIBER.test(subscriber)) {
    return { ok: false, error: `That is not a Kenyan mobile number. ${EXAMPLE_HINT}` };
  }

  const digits = subscriber;
  return {
    ok: true,
    msisdn: `254${digits}`,
    likelySafaricom: SAFARICOM_SUBSCRIBER_PREFIXES.some((prefix) => digits.startsWith(prefix)),
  };
}

/**
 * Masks an MSISDN for display and logs, keeping the first 4 and last 3 digits
 * ("254712345678" -> "2547•••••678"). Short or odd input is masked except its last 3 characters.
 */
export function maskMsisdn(msisdn: string): string {
  const value = msisdn.trim();
  if (value.length >= 8) {
    return `${value.slice(0, 4)}${'•'.repeat(value.length - 7)}${value.slice(-3)}`;
  }
  if (value.length > 3) return `${'•'.repeat(value.length - 3)}${value.slice(-3)}`;
  return '•'.repeat(value.length);
}

/**
 * The way people write their own number, masked for display: "254712345678" -> "0712 •••678".
 * Anything that is not a 12-digit Kenyan MSISDN falls back to maskMsisdn.
 */
export function maskPhoneLocal(msisdn: string): string {
  const value = msisdn.trim();
  if (!/^254[17]\d{8}$/.test(value)) return maskMsisdn(value);
  return `0${value.slice(3, 6)} •••${value.slice(-3)}`;
}
