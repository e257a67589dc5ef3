// Server-side identity for pages, actions and route handlers.
import { redirect } from 'next/navigation';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { isStaffRole, type Role } from '@/lib/auth/roles';
import type { Viewer } from '@/lib/viewer';
import { auth } from './index';

export async function currentViewer(): Promise<(Viewer & { name: string; email: string }) | null> {
  const session = await auth();
  const user = session?.user as { id?: string; role?: Role; name?: string | null; email?: string | null } | undefined;
  if (!user?.id || !user.role) return null;
  if (isStaffRole(user.role)) {
    // Staff sessions are re-checked against the database on every request (one primary-key read):
    // a deactivated member is signed out at once, and a role change applies at once.
    const [row] = await (await getDb()).select({ role: users.role, deactivatedAt: users.deactivatedAt, name: users.name, email: users.email }).from(users).where(eq(users.id, user.id));
    if (!row || row.deactivatedAt) return null;
    return { userId: user.id, role: row.role, name: row.name, email: row.email };
  }
  return { userId: user.id, role: user.role, name: user.name ?? '', email: user.email ?? '' };
}

/** For pages: sends a signed-out visitor to the sign-in page and back here afterwards. */
export async function requireViewer(returnTo: string) {
  const viewer = await currentViewer();
  if (!viewer) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return viewer;
}

/**
 * For holder pages (policies, paying, refunds, cards): staff have no policies of their own and
 * are sent to the staff console instead of a holder's view of everyone's data.
 */
export async function requireHolder(returnTo: string, staffHome = '/staff') {
  const viewer = await requireViewer(returnTo);
  if (viewer.role !== 'policyholder') redirect(staffHome);
  return viewer;
}
