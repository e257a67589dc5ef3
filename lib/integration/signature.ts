// Malipo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">. During a secret
// rotation the header carries one v1 per live secret; a receiver accepts any v1 that matches one
// of its secrets. The same functions sign (delivery.ts) and verify (tests, README), as Stripe's
// generateTestHeaderString does, so a passing test means the receiver's code really ran.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'Malipo-Signature';
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** A receiver should refuse a signature older than this (replays). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + crypto.randomBytes(32).toString('base64url');
}

export function hmacHex(secret: string, timestamp: number, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmacHex(s, timestamp, body)}`)].join(',');
}

/** True when the header holds a fresh timestamp and a v1 made with `secret` over exactly `body`. */
export function verifySignature(header: string | null, body: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? ''))
    .some(([, v]) => crypto.timingSafeEqual(Buffer.from(v, 'hex'), expected));
}
