// Daraja's C2B confirmations and validations carry no signature (docs/daraja.md §10, §9), so each
// URL we register has its own unguessable path segment: HMAC(server secret, its purpose), in hex
// (hex cannot spell a word Daraja refuses in a URL: mpesa, exe, sql, query, …; docs/daraja.md §3.4).
import crypto from 'node:crypto';
import { paybillSettings, serverSecret } from '@/lib/env';

export type C2bEndpoint = 'confirmation' | 'validation';

export function c2bSecret(endpoint: C2bEndpoint, secret = serverSecret()): string {
  return crypto.createHmac('sha256', secret).update(`c2b-${endpoint}`).digest('hex').slice(0, 40);
}

export function verifyC2bSecret(endpoint: C2bEndpoint, given: string, secret = serverSecret()): boolean {
  const expected = Buffer.from(c2bSecret(endpoint, secret));
  const got = Buffer.from(given);
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

/** `${base}/confirmation/<secret>` and `${base}/validation/<secret>`. */
export function c2bUrls(base = paybillSettings().c2bBaseUrl, secret = serverSecret()) {
  const root = base.replace(/\/+$/, '');
  return {
    confirmationUrl: `${root}/confirmation/${c2bSecret('confirmation', secret)}`,
    validationUrl: `${root}/validation/${c2bSecret('validation', secret)}`,
  };
}
