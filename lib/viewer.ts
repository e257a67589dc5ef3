// Who is asking. Every data-access function takes one, so authorisation lives with the query.
// 'payer' is a session role only (never stored on a user): someone who opened a pay link or
// passed guest pay. They act for the policy's holder but only inside `scope`.
export type Role = 'policyholder' | 'staff' | 'admin' | 'payer';

/** A pay-link / guest session: one policy, payments made since it began, until it ends (epoch ms). */
export type PayScope = { policyId: string; installmentId?: string; since: number; until: number };

export type Viewer = { userId: string; role: Role; scope?: PayScope };

export function isStaff(viewer: Viewer) {
  return viewer.role === 'staff' || viewer.role === 'admin';
}

/**
 * True for a pay-link or guest session. Holder-wide reads (payment history, saved cards, refunds,
 * the policy list, other policies) must answer nothing to such a viewer.
 */
export function isScoped(viewer: Viewer) {
  return viewer.role === 'payer' || !!viewer.scope;
}
