// Server-side role checks for staff pages, server actions and route handlers. The proxy already
// keeps non-staff away from /staff, but every entry point checks again here (and the data layer
// checks a third time, lib/staff/access.ts).
import { notFound, redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { mustEnrolTwoFactor } from '@/lib/auth/two-factor/enrolment';
import { canDo, type StaffAction } from '@/lib/auth/roles';
import { isStaff } from '@/lib/viewer';

/** Where staff who must turn on two-factor sign-in are sent before anything else. */
export const TWO_FACTOR_SETUP_PATH = '/account/two-factor';

export type StaffViewer = NonNullable<Awaited<ReturnType<typeof currentViewer>>>;

/** Pages: signed out → sign in and come back; signed in but not staff (or not allowed `action`) → 404. */
export async function requireStaff(returnTo = '/staff', action?: StaffAction): Promise<StaffViewer> {
  const viewer = await currentViewer();
  if (!viewer) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!isStaff(viewer)) notFound();
  if (await mustEnrolTwoFactor(await getDb(), viewer)) redirect(`${TWO_FACTOR_SETUP_PATH}?required=1`);
  if (action && !canDo(viewer, action)) notFound();
  return viewer;
}

/** Server actions and route handlers: the viewer when staff, else null (the caller answers 403). */
export async function staffViewerOrNull(): Promise<StaffViewer | null> {
  const viewer = await currentViewer();
  if (!viewer || !isStaff(viewer)) return null;
  // The admin requires two-factor and this person has not set it up: nothing until they do.
  return (await mustEnrolTwoFactor(await getDb(), viewer)) ? null : viewer;
}

/** Route handlers: the staff viewer, or the response to send instead (401 signed out, 403 not staff). */
export async function requireStaffForRoute(action?: StaffAction): Promise<{ viewer: StaffViewer; denied?: never } | { viewer?: never; denied: Response }> {
  const viewer = await currentViewer();
  if (!viewer) return { denied: Response.json({ error: 'Sign in first.' }, { status: 401 }) };
  if (!isStaff(viewer) || (action && !canDo(viewer, action))) return { denied: Response.json({ error: 'Only staff can do this.' }, { status: 403 }) };
  if (await mustEnrolTwoFactor(await getDb(), viewer)) {
    return { denied: Response.json({ error: 'Turn on two-factor sign-in first.' }, { status: 403 }) };
  }
  return { viewer };
}
