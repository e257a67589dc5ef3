/**
 * Paystack webhook signatures (docs/paystack.md §10): `x-paystack-signature` is the lowercase hex
 * HMAC-SHA512 of the raw request body, keyed with the secret key. No prefix, no timestamp, no
 * separate webhook secret (docs/paystack.md §13.7). Always sign and check the exact bytes: re-serialising a parsed
 * body only works while the bytes happen to match.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lowercase hex HMAC-SHA512 of `rawBody` (UTF-8), 128 characters. */
export function signPaystackBody(rawBody: string, secretKey: string): string {
  return createHmac('sha512', secretKey).update(rawBody, 'utf8').digest('hex');
}

const HEX_SIGNATURE = /^[0-9a-fA-F]{128}$/;

/**
 * True only when `header` is the signature of exactly `rawBody`. A missing header, a value of the
 * wrong length or a non-hex value is simply false, so a handler can answer 401 instead of crashing
 * (docs/paystack.md §13.7, pypaystack #5). The comparison is constant time over the decoded bytes.
 */
export function verifyPaystackSignature(rawBody: string, header: string | null, secretKey: string): boolean {
  if (typeof header !== 'string' || typeof rawBody !== 'string' || !secretKey) return false;
  const given = header.trim();
  if (!HEX_SIGNATURE.test(given)) return false;
  const expected = createHmac('sha512', secretKey).update(rawBody, 'utf8').digest();
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
