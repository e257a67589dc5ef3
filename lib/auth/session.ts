// Server-side identity for pages, actions and route handlers.
import { redirect } from 'next/navigation';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { isStaffRole } from '@/lib/auth/roles';
import type { PayScope, Role, Viewer } from '@/lib/viewer';
import { auth } from './index';

export async function currentViewer(): Promise<(Viewer & { name: string; email: string }) | null> {
  const session = await auth();
  const user = session?.user as { id?: string; role?: Role; name?: string | null; email?: string | null; scope?: PayScope } | undefined;
  if (!user?.id || !user.role) return null;
  // A pay-link / guest session ends after its hour whatever the cookie says.
  if (user.role === 'payer' && (!user.scope || user.scope.until <= Date.now())) return null;
  if (isStaffRole(user.role)) {
    // Staff sessions are re-checked against the database on every request (one primary-key read):
    // a deactivated member is signed out at once, and a role change applies at once.
    const [row] = await (await getDb()).select({ role: users.role, deactivatedAt: users.deactivatedAt, name: users.name, email: users.email }).from(users).where(eq(users.id, user.id));
    if (!row || row.deactivatedAt) return null;
    return { userId: user.id, role: row.role, name: row.name, email: row.email };
  }
  return { userId: user.id, role: user.role, name: user.name ?? '', email: user.email ?? '', ...(user.scope ? { scope: user.scope } : {}) };
}

/**
 * For pages: sends a signed-out visitor to the sign-in page and back here afterwards. A pay-link /
 * guest session counts as signed out except on the pages that say `allowPayer` (the pay pages).
 */
export async function requireViewer(returnTo: string, opts: { allowPayer?: boolean } = {}) {
  const viewer = await currentViewer();
  if (!viewer || (viewer.role === 'payer' && !opts.allowPayer)) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return viewer;
}

/**
 * For holder pages (policies, paying, refunds, cards): staff have no policies of their own and
 * are sent to the staff console instead of a holder's view of everyone's data.
 */
export async function requireHolder(returnTo: string, staffHome = '/staff', opts: { allowPayer?: boolean } = {}) {
  const viewer = await requireViewer(returnTo, opts);
  if (viewer.role !== 'policyholder' && viewer.role !== 'payer') redirect(staffHome);
  return viewer;
}
