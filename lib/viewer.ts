// Who is asking. Every data-access function takes one, so authorisation lives with the query.
// Roles and what each may do: lib/auth/roles.ts.
import { canDo, isStaffRole, type Role } from '@/lib/auth/roles';

export type { Role };
export type Viewer = { userId: string; role: Role };

export function isStaff(viewer: Viewer) {
  return isStaffRole(viewer.role);
}

/** Finance and support see every holder's payments and policies; holders see their own; admins none. */
export function seesAllPayments(viewer: Viewer) {
  return canDo(viewer, 'payments.view');
}
