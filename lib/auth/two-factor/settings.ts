// The admin's switch: every staff member must sign in with a second factor. Stored in
// app_settings so every instance sees the same value; each change is audited.
import { eq, ne, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { appSettings, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { canManageSecurity } from '@/lib/auth/admin';
import type { Viewer } from '@/lib/viewer';

export const STAFF_TWO_FACTOR_KEY = 'security.staff_two_factor_required';

export async function staffTwoFactorRequired(db: Queryable): Promise<boolean> {
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, STAFF_TWO_FACTOR_KEY));
  return row?.value === true;
}

export type SettingResult = { ok: true } | { ok: false; error: string };

export async function setStaffTwoFactorRequired(db: Queryable, viewer: Viewer, required: boolean): Promise<SettingResult> {
  if (!canManageSecurity(viewer)) return { ok: false, error: 'Only an administrator can change this.' };
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
