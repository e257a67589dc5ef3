// Server-side identity for pages, actions and route handlers.
import { redirect } from 'next/navigation';
import type { PayScope, Role, Viewer } from '@/lib/viewer';
import { auth } from './index';

export async function currentViewer(): Promise<(Viewer & { name: string; email: string }) | null> {
  const session = await auth();
  const user = session?.user as { id?: string; role?: Role; name?: string | null; email?: string | null; scope?: PayScope } | undefined;
  if (!user?.id || !user.role) return null;
  // A pay-link / guest session ends after its hour whatever the cookie says.
  if (user.role === 'payer' && (!user.scope || user.scope.until <= Date.now())) return null;
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
