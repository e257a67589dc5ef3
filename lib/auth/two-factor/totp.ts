// Time-based one-time codes (RFC 6238: 6 digits, 30 s, SHA-1, as every authenticator app expects)
// through otplib. One step either side is accepted for phone clocks that drift; a code's time step
// must be later than the last one accepted, so a code cannot be used twice.
import { generateSecret, generateSync, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = 'Malipo';

export function newTotpSecret() {
  return generateSecret(); // 20 random bytes, base32
}

export function totpUri(secret: string, label: string) {
  return generateURI({ issuer: TOTP_ISSUER, label, secret });
}

/** The accepted code's time step, or null when the code is wrong, stale or already used. */
export async function checkTotp(secret: string, code: string, lastStep: number | null, now = Date.now()): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(now / 1000),
    epochTolerance: 30,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  }).catch(() => null);
  return result && result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** For tests and the sandbox: the code an authenticator app would show now. */
export function currentTotp(secret: string, now = Date.now()) {
  return generateSync({ secret, epoch: Math.floor(now / 1000) });
}
