// Server-side role checks for staff pages, server actions and route handlers. The proxy already
// keeps non-staff away from /staff, but every entry point checks again here (and the data layer
// checks a third time, lib/staff/access.ts).
import { notFound, redirect } from 'next/navigation';
import { currentViewer } from '@/lib/auth/session';
import { canDo, type StaffAction } from '@/lib/auth/roles';
import { isStaff } from '@/lib/viewer';

export type StaffViewer = NonNullable<Awaited<ReturnType<typeof currentViewer>>>;

/** Pages: signed out → sign in and come back; signed in but not staff (or not allowed `action`) → 404. */
export async function requireStaff(returnTo = '/staff', action?: StaffAction): Promise<StaffViewer> {
  const viewer = await currentViewer();
  if (!viewer) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!isStaff(viewer)) notFound();
  if (action && !canDo(viewer, action)) notFound();
  return viewer;
}

/** Server actions and route handlers: the viewer when staff, else null (the caller answers 403). */
export async function staffViewerOrNull(): Promise<StaffViewer | null> {
  const viewer = await currentViewer();
  return viewer && isStaff(viewer) ? viewer : null;
}

/** Route handlers: the staff viewer, or the response to send instead (401 signed out, 403 not staff). */
export async function requireStaffForRoute(action?: StaffAction): Promise<{ viewer: StaffViewer; denied?: never } | { viewer?: never; denied: Response }> {
  const viewer = await currentViewer();
  if (!viewer) return { denied: Response.json({ error: 'Sign in first.' }, { status: 401 }) };
  if (!isStaff(viewer) || (action && !canDo(viewer, action))) return { denied: Response.json({ error: 'Only staff can do this.' }, { status: 403 }) };
  return { viewer };
}
