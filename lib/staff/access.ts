// Authorisation for staff-only data, enforced in the data layer: every staff query and action
// takes the viewer and refuses anyone who is not staff or admin, whatever page or route called it.
import { isStaff, type Viewer } from '@/lib/viewer';

export class ForbiddenError extends Error {
  constructor() {
    super('Only staff can do this.');
    this.name = 'ForbiddenError';
  }
}

/** For reads: throws, so a page that forgot its own check still shows nothing. */
export function assertStaff(viewer: Viewer | null | undefined): asserts viewer is Viewer {
  if (!viewer || !isStaff(viewer)) throw new ForbiddenError();
}

export type Forbidden = { ok: false; code: 'forbidden'; error: string };
export const FORBIDDEN: Forbidden = { ok: false, code: 'forbidden', error: 'Only staff can do this.' };

/** For actions: a result value, so callers can answer 403 without a stack trace. */
export function staffOnly(viewer: Viewer | null | undefined): Forbidden | null {
  return viewer && isStaff(viewer) ? null : FORBIDDEN;
}
