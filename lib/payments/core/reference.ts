import crypto from 'node:crypto';

// Crockford base32 without I, L, O, U: easy to read out over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A short human reference such as "MLP-7K3Q9XWD2M" (50 random bits: at a million payments the
 * chance that any two ever collide stays below 1 in 1,000; the unique index catches the rest).
 */
export function newPaymentReference(): string {
  const bytes = crypto.randomBytes(10);
  let out = '';
  for (let i = 0; i < 10; i++) out += ALPHABET[bytes[i] & 31];
  return `MLP-${out}`;
}
