// Receipt numbers are stored: the database assigns one when a payment first completes
// ("<payment reference>-<6 random characters>", migration 0011) and a refund note number when a
// refund has been paid back ("RF-<10 random characters>"). Nothing here derives a number from a
// secret any more, except legacyReceiptNumber, kept only to fill in numbers issued before they
// were stored (lib/receipts/backfill.ts).
//
// Verification links carry a signature (HMAC under RECEIPT_SECRET) of the number they check, so a
// link proves it came from us; the page also accepts a typed number without one (rate-limited).
import crypto from 'node:crypto';
import { receiptSecret } from '@/lib/env';

// Crockford base32 (no I, L, O, U), like payment references: easy to read out over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TAG_LENGTH = 6; // 30 bits: guessing one blindly takes about a billion tries.
// References are short, upper-case and dash-separated ("MLP-7K3Q9XWD"); anything else is not ours.
const RECEIPT_NO = new RegExp(`^([A-Z0-9]+(?:-[A-Z0-9]+)*)-([${ALPHABET}]{${TAG_LENGTH}})$`);
const REFUND_NOTE_NO = new RegExp(`^RF-[${ALPHABET}]{10}$`);

function base32(digest: Buffer, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === length) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

const legacyTag = (reference: string, secret: string) => base32(crypto.createHmac('sha256', secret).update(`receipt:${reference}`).digest(), TAG_LENGTH);

/** How numbers were made before they were stored: "MLP-7K3Q9XWD" -> "MLP-7K3Q9XWD-4HX2QD" under `secret`. */
export function legacyReceiptNumber(reference: string, secret: string): string {
  return `${reference}-${legacyTag(reference, secret)}`;
}

export type ReceiptNumberCheck = { ok: true; reference: string; receiptNo: string } | { ok: false };

/** Whether `input` is a number the legacy derivation made under `secret` (tests and audits of old paper). */
export function verifyLegacyReceiptNumber(input: string, secret: string): ReceiptNumberCheck {
  const shape = receiptNumberShape(input);
  if (!shape || shape.kind !== 'receipt') return { ok: false };
  const expected = Buffer.from(legacyTag(shape.reference, secret));
  const given = Buffer.from(shape.receiptNo.slice(-TAG_LENGTH));
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false };
  return { ok: true, reference: shape.reference, receiptNo: shape.receiptNo };
}

export type NumberShape = { kind: 'receipt'; receiptNo: string; reference: string } | { kind: 'refund_note'; receiptNo: string };

/** Normalises what a person typed (case, spaces) and says which kind of number it could be; null if neither. */
export function receiptNumberShape(input: unknown): NumberShape | null {
  if (typeof input !== 'string' || input.length > 80) return null;
  const no = input.trim().toUpperCase();
  if (REFUND_NOTE_NO.test(no)) return { kind: 'refund_note', receiptNo: no };
  const m = RECEIPT_NO.exec(no);
  return m ? { kind: 'receipt', receiptNo: no, reference: m[1] } : null;
}

const SIG_LENGTH = 16; // 80 bits of HMAC

/** The signature a verification link carries for `receiptNo`. */
export function verifySignature(receiptNo: string, secret = receiptSecret()): string {
  return base32(crypto.createHmac('sha256', secret).update(`verify:${receiptNo}`).digest(), SIG_LENGTH);
}

export function signatureMatches(receiptNo: string, sig: string, secret = receiptSecret()): boolean {
  const expected = Buffer.from(verifySignature(receiptNo, secret));
  const given = Buffer.from(sig.trim().toUpperCase());
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** "/receipts/verify/<no>", signed (`?s=`) unless `sign` is false. */
export function receiptVerifyPath(receiptNo: string, sign: boolean | string = false) {
  const path = `/receipts/verify/${encodeURIComponent(receiptNo)}`;
  if (sign === false) return path;
  return `${path}?s=${verifySignature(receiptNo, typeof sign === 'string' ? sign : undefined)}`;
}
