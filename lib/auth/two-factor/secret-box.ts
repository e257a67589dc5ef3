// TOTP secrets at rest: AES-256-GCM under a key derived from the server secret, so a copy of the
// database alone cannot mint codes. Rotating AUTH_SECRET means staff enrol again.
import crypto from 'node:crypto';
import { serverSecret } from '@/lib/env';

function key() {
  return Buffer.from(crypto.hkdfSync('sha256', serverSecret(), Buffer.alloc(0), 'malipo:totp-secret:v1', 32));
}

export function sealSecret(plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function openSecret(sealed: string): string | null {
  const [v, iv, body, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || !body || !tag) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null; // sealed under another AUTH_SECRET, or tampered with
  }
}
