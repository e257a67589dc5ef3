import crypto from 'node:crypto';

// Crockford base32 without I, L, O, U: easy to read out over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short human reference such as "MLP-7K3Q9XWD" (40 random bits). */
export function newPaymentReference(): string {
  const bytes = crypto.randomBytes(8);
  let out = '';
  for (let i = 0; i < 8; i++) out += ALPHABET[bytes[i] & 31];
  return `MLP-${out}`;
}
