// The admin's switch: every staff member must sign in with a second factor. Stored in
// app_settings so every instance sees the same value; each change is audited.
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { appSettings, recoveryCodes, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { canManageSecurity } from '@/lib/auth/admin';
import type { Viewer } from '@/lib/viewer';

export const STAFF_TWO_FACTOR_KEY = 'security.staff_two_factor_required';

export async function staffTwoFactorRequired(db: Queryable): Promise<boolean> {
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, STAFF_TWO_FACTOR_KEY));
  return row?.value === true;
}

export type SettingResult = { ok: true } | { ok: false; code?: 'forbidden'; error: string };

export async function setStaffTwoFactorRequired(db: Queryable, viewer: Viewer, required: boolean): Promise<SettingResult> {
  if (!canManageSecurity(viewer)) return { ok: false, code: 'forbidden', error: 'Only an administrator can change this.' };
  await db.transaction(async (tx) => {
    await tx
      .insert(appSettings)
      .values({ key: STAFF_TWO_FACTOR_KEY, value: required, updatedBy: viewer.userId })
      .onConflictDoUpdate({ target: appSettings.key, set: { value: required, updatedBy: viewer.userId, updatedAt: sql`now()` } });
    await recordAudit(tx, { actorId: viewer.userId, action: 'security.staff_two_factor', targetType: 'setting', targetId: STAFF_TWO_FACTOR_KEY, detail: { required } });
  });
  return { ok: true };
}

/** Every staff account and whether it has two-factor on. Administrators only (empty for anyone else). */
export async function staffTwoFactorOverview(db: Queryable, viewer: Viewer) {
  if (!canManageSecurity(viewer)) return [];
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, enabledAt: users.totpEnabledAt })
    .from(users)
    .where(ne(users.role, 'policyholder'))
    .orderBy(users.name);
}

/**
 * For a staff member who lost both their phone and their recovery codes: an administrator turns
 * their two-factor off (secret and codes deleted, audited). With the requirement on, their next
 * visit to the console asks them to set it up again.
 */
export async function resetTwoFactor(db: Queryable, viewer: Viewer, userId: string): Promise<SettingResult> {
  if (!canManageSecurity(viewer)) return { ok: false, code: 'forbidden', error: 'Only an administrator can change this.' };
  return db.transaction(async (tx) => {
    const [target] = await tx
      .update(users)
      .set({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null })
      .where(and(eq(users.id, userId), ne(users.role, 'policyholder')))
      .returning({ id: users.id });
    if (!target) return { ok: false as const, error: 'We could not find that staff member.' };
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await recordAudit(tx, { actorId: viewer.userId, action: 'security.two_factor_reset', targetType: 'user', targetId: userId });
    return { ok: true as const };
  });
}
