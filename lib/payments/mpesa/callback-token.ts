// Daraja's callbacks carry no signature (docs/daraja.md §9), so each payment gets its own callback URL
// with an unguessable token: HMAC(server secret, payment id). Checked in constant time.
// Hex (160 bits), so a token can never spell a word Daraja refuses in a URL (exe, cmd, sql, …).
import crypto from 'node:crypto';
import { serverSecret } from '@/lib/env';

export function callbackToken(paymentId: string, secret = serverSecret()): string {
  return crypto.createHmac('sha256', secret).update(`stk-callback:${paymentId}`).digest('hex').slice(0, 40);
}

export function verifyCallbackToken(paymentId: string, token: string, secret = serverSecret()): boolean {
  const expected = Buffer.from(callbackToken(paymentId, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** `${base}/${paymentId}/${token}`: free of the words Daraja refuses in a CallBackURL. */
export function stkCallbackUrl(base: string, paymentId: string, secret = serverSecret()): string {
  return `${base.replace(/\/+$/, '')}/${paymentId}/${callbackToken(paymentId, secret)}`;
}
