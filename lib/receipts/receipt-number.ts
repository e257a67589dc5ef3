// Receipt numbers carry their own proof: "<payment reference>-<tag>", where the tag is a keyed
// hash (HMAC) of the reference. Anyone can read it, only this server can make one, and checking
// it needs no database, so a typo or an edited number is rejected before any lookup.
import crypto from 'node:crypto';
import { serverSecret } from '@/lib/env';

// Crockford base32 (no I, L, O, U), like payment references: easy to read out over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TAG_LENGTH = 6; // 30 bits: guessing one blindly takes about a billion tries.
// References are short, upper-case and dash-separated ("MLP-7K3Q9XWD"); anything else is not ours.
const RECEIPT_NO = new RegExp(`^([A-Z0-9]+(?:-[A-Z0-9]+)*)-([${ALPHABET}]{${TAG_LENGTH}})$`);

function tagFor(reference: string, secret: string): string {
  const digest = crypto.createHmac('sha256', secret).update(`receipt:${reference}`).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < TAG_LENGTH) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === TAG_LENGTH) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

/** "MLP-7K3Q9XWD" -> "MLP-7K3Q9XWD-4HX2QD". */
export function receiptNumberFor(reference: string, secret = serverSecret()): string {
  return `${reference}-${tagFor(reference, secret)}`;
}

export type ReceiptNumberCheck = { ok: true; reference: string; receiptNo: string } | { ok: false };

/** Whether a receipt number is one this server issued; returns the payment reference if so. */
export function verifyReceiptNumber(input: string, secret = serverSecret()): ReceiptNumberCheck {
  if (typeof input !== 'string' || input.length > 80) return { ok: false };
  const receiptNo = input.trim().toUpperCase();
  const m = RECEIPT_NO.exec(receiptNo);
  if (!m) return { ok: false };
  const [, reference, tag] = m;
  const expected = Buffer.from(tagFor(reference, secret));
  const given = Buffer.from(tag);
  // Same length by the pattern above; compared in constant time so timing reveals nothing.
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false };
  return { ok: true, reference, receiptNo };
}

export function receiptVerifyPath(receiptNo: string) {
  return `/receipts/verify/${encodeURIComponent(receiptNo)}`;
}
