// Who is asking. Every data-access function takes one, so authorisation lives with the query.
// Roles and what each may do: lib/auth/roles.ts. 'payer' is a session role only (never stored on a
// user): someone who opened a pay link or passed guest pay. They act for the policy's holder but
// only inside `scope`.
import { canDo, isStaffRole, type Role } from '@/lib/auth/roles';

export type { Role };

/** A pay-link / guest session: one policy, payments made since it began, until it ends (epoch ms). */
export type PayScope = { policyId: string; installmentId?: string; since: number; until: number };

export type Viewer = { userId: string; role: Role; scope?: PayScope };

export function isStaff(viewer: Viewer) {
  return isStaffRole(viewer.role);
}

/** Finance and support see every holder's payments and policies; holders see their own; admins none. */
export function seesAllPayments(viewer: Viewer) {
  return canDo(viewer, 'payments.view');
}

/**
 * True for a pay-link or guest session. Holder-wide reads (payment history, saved cards, refunds,
 * the policy list, other policies) must answer nothing to such a viewer.
 */
export function isScoped(viewer: Viewer) {
  return viewer.role === 'payer' || !!viewer.scope;
}
