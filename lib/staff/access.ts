// Authorisation for staff-only data, enforced in the data layer: every staff query and action
// takes the viewer and checks its role against lib/auth/roles.ts, whatever page or route called it.
import { assertCan, denyUnless, ForbiddenError, type Forbidden, type StaffAction } from '@/lib/auth/roles';
import { isStaff, type Viewer } from '@/lib/viewer';

export { ForbiddenError, type Forbidden };

/** For reads: throws unless the viewer may do `action` (any staff role when no action is named). */
export function assertStaff(viewer: Viewer | null | undefined, action?: StaffAction): asserts viewer is Viewer {
  if (!viewer || !isStaff(viewer)) throw new ForbiddenError('Only staff can do this.');
  if (action) assertCan(viewer, action);
}

/** For actions: a Forbidden result unless the viewer's role may do `action`. */
export function staffOnly(viewer: Viewer | null | undefined, action: StaffAction): Forbidden | null {
  return denyUnless(viewer, action);
}
