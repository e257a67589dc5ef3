// Staff turn on two-factor sign-in: a new secret is kept as "pending" and shown as a QR code;
// the first right code from the app switches it on and issues ten recovery codes (shown once).
import QRCode from 'qrcode';
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { isStaff, type Viewer } from '@/lib/viewer';
import { issueRecoveryCodes, unusedRecoveryCodeCount } from './recovery-codes';
import { openSecret, sealSecret } from './secret-box';
import { staffTwoFactorRequired } from './settings';
import { checkTotp, newTotpSecret, totpUri } from './totp';

export type TwoFactorStatus = { enabled: boolean; enabledAt: Date | null; recoveryCodesLeft: number; required: boolean };

export async function twoFactorStatus(db: Queryable, viewer: Viewer): Promise<TwoFactorStatus> {
  const [u] = await db.select({ enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, viewer.userId));
  return {
    enabled: !!u?.enabledAt,
    enabledAt: u?.enabledAt ?? null,
    recoveryCodesLeft: u?.enabledAt ? await unusedRecoveryCodeCount(db, viewer.userId) : 0,
    required: isStaff(viewer) && (await staffTwoFactorRequired(db)),
  };
}

/** Staff who must use two-factor (the admin requires it) but have not set it up yet. */
export async function mustEnrolTwoFactor(db: Queryable, viewer: Viewer): Promise<boolean> {
  if (!isStaff(viewer) || !(await staffTwoFactorRequired(db))) return false;
  const [u] = await db.select({ enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, viewer.userId));
  return !u?.enabledAt;
}

export type Enrolment = { secret: string; uri: string; qrSvg: string };

/** A fresh secret to scan; replaces any earlier unconfirmed one. Staff only. */
export async function startEnrolment(db: Queryable, viewer: Viewer): Promise<Enrolment | null> {
  if (!isStaff(viewer)) return null;
  const [u] = await db.select({ email: users.email }).from(users).where(eq(users.id, viewer.userId));
  if (!u) return null;
  const secret = newTotpSecret();
  await db.update(users).set({ totpPendingSecret: sealSecret(secret) }).where(eq(users.id, viewer.userId));
  const uri = totpUri(secret, u.email);
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
}

/** The QR code for the secret already pending (a page reload shows the same one). */
export async function pendingEnrolment(db: Queryable, viewer: Viewer): Promise<Enrolment | null> {
  if (!isStaff(viewer)) return null;
  const [u] = await db.select({ email: users.email, pending: users.totpPendingSecret }).from(users).where(eq(users.id, viewer.userId));
  const secret = u?.pending ? openSecret(u.pending) : null;
  if (!u || !secret) return null;
  const uri = totpUri(secret, u.email);
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
}

export type ConfirmResult = { ok: true; recoveryCodes: string[] } | { ok: false; error: string };

export async function confirmEnrolment(db: Queryable, viewer: Viewer, code: string, now = new Date()): Promise<ConfirmResult> {
  if (!isStaff(viewer)) return { ok: false, error: 'Two-factor sign-in is for staff accounts.' };
  return db.transaction(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, viewer.userId)).for('update');
    const secret = u?.totpPendingSecret ? openSecret(u.totpPendingSecret) : null;
    if (!u || !secret) return { ok: false, error: 'Start again: scan a new QR code.' };
    const step = await checkTotp(secret, code, null, now.getTime());
    if (step === null) return { ok: false, error: 'That code did not match. Check the time on your phone and enter the newest code.' };
    await tx
      .update(users)
      .set({ totpSecret: u.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: now, totpLastStep: step })
      .where(eq(users.id, u.id));
    const recoveryCodes = await issueRecoveryCodes(tx, u.id);
    await recordAudit(tx, { actorId: u.id, action: 'security.two_factor_enrol', targetType: 'user', targetId: u.id });
    return { ok: true, recoveryCodes };
  });
}

/** New recovery codes (the old ones stop working), for staff who have two-factor on. */
export async function replaceRecoveryCodes(db: Queryable, viewer: Viewer): Promise<string[] | null> {
  return db.transaction(async (tx) => {
    const [u] = await tx.select({ enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, viewer.userId));
    if (!u?.enabledAt) return null;
    const codes = await issueRecoveryCodes(tx, viewer.userId);
    await recordAudit(tx, { actorId: viewer.userId, action: 'security.recovery_codes_replaced', targetType: 'user', targetId: viewer.userId });
    return codes;
  });
}
