// Holders as staff see them: search by client id, name, phone or email, and one holder's page.
import { asc, eq, ilike, or } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { policies, users } from '@/db/schema';
import { policySchedule } from '@/lib/history/schedule';
import { normalizeKenyanPhone } from '@/lib/phone';
import { isUuid } from '@/lib/uuid';
import { assertStaff } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';

const holderColumns = {
  id: users.id,
  clientId: users.clientId,
  name: users.name,
  email: users.email,
  phone: users.phone,
  nationalId: users.nationalId,
  hasPassword: users.passwordHash,
};

export async function searchHolders(db: Queryable, viewer: Viewer, q: string, limit = 50) {
  assertStaff(viewer);
  const term = q.trim().slice(0, 100);
  const phone = normalizeKenyanPhone(term);
  const like = `%${term.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .select(holderColumns)
    .from(users)
    .where(
      term
        ? or(eq(users.clientId, term), ilike(users.name, like), ilike(users.email, like), phone.ok ? eq(users.phone, phone.msisdn) : undefined)
        : eq(users.role, 'policyholder'),
    )
    .orderBy(asc(users.name))
    .limit(limit);
  return rows.map(({ hasPassword, ...r }) => ({ ...r, hasPassword: !!hasPassword }));
}

export async function holderForStaff(db: Queryable, viewer: Viewer, id: string) {
  assertStaff(viewer);
  if (!isUuid(id)) return null;
  const [row] = await db.select(holderColumns).from(users).where(eq(users.id, id));
  if (!row) return null;
  const list = await db.select({ id: policies.id }).from(policies).where(eq(policies.holderId, id)).orderBy(asc(policies.number));
  const schedules = [];
  for (const p of list) {
    const s = await policySchedule(db, viewer, p.id);
    if (s) schedules.push(s);
  }
  const { hasPassword, ...holder } = row;
  return { holder: { ...holder, hasPassword: !!hasPassword }, policies: schedules };
}
