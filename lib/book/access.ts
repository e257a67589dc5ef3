// Who may load the insurer's book and edit products. One function so the roles rework (issue 11:
// admin / finance / support) changes one line.
import { isStaff, type Viewer } from '@/lib/viewer';

/** Intended rule: admin or finance. Until the roles module lands, any staff member. */
export function canManageBook(viewer: Viewer | null | undefined): viewer is Viewer {
  return !!viewer && isStaff(viewer);
}

export const NOT_ALLOWED = { ok: false as const, code: 'forbidden' as const, error: 'Only admin or finance staff can load the book or edit products. Nothing was changed.' };
