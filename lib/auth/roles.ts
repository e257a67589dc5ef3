// The roles model, in one place: who may do which staff action. Every staff query and action in
// the data layer asks canDo/assertCan/denyUnless with its action name; pages use canDo only to hide
// what the viewer cannot do (the data layer refuses it anyway). Kept free of imports so the proxy,
// the data layer and client components can all use it.

export const STAFF_ROLES = ['admin', 'finance', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** 'payer' is a session role only (a pay link or guest pay), never stored on a user. */
export type Role = 'policyholder' | 'payer' | StaffRole;
export const ROLES: readonly Role[] = ['policyholder', ...STAFF_ROLES];

export const ROLE_LABELS: Record<StaffRole, { label: string; explain: string }> = {
  admin: { label: 'Administrator', explain: 'Manages staff accounts and settings. Does not see or move money.' },
  finance: { label: 'Finance', explain: 'Sees everything, approves refunds and other movements of money.' },
  support: { label: 'Support', explain: 'Sees everything, re-checks payments, resends receipts, raises refunds for holders. Cannot approve money.' },
};

/**
 * Staff action -> roles allowed. Adding an action here is the whole job of defining who may do it;
 * tests/roles.test.ts walks every action x role.
 */
export const STAFF_ACTIONS = {
  /** The staff console's frame and overview figures. */
  'console.view': ['admin', 'finance', 'support'],
  'audit.view': ['admin', 'finance', 'support'],
  /** Payments, refunds and holders' details: lists, detail pages, CSV export. */
  'payments.view': ['finance', 'support'],
  'payments.check_gateway': ['finance', 'support'],
  'payments.clear_flag': ['finance', 'support'],
  /** Accepting a payment under review books money onto a policy. */
  'payments.resolve_review': ['finance'],
  'receipts.resend': ['finance', 'support'],
  'refunds.raise': ['finance', 'support'],
  /** Approve or reject (four eyes: never the person who raised it; see lib/approvals/four-eyes.ts). */
  'refunds.decide': ['finance'],
  'refunds.record_payout': ['finance'],
  'refunds.resend': ['finance'],
  /** Manual allocations and credit pay-outs (lib/movements): raising, deciding, recording the pay-out. */
  'movements.raise': ['finance', 'support'],
  'movements.decide': ['finance'],
  'movements.record_payout': ['finance'],
  /** Paybill money no policy could be matched to (lib/paybill/allocate.ts): raising its allocation to a policy. */
  'paybill.allocate': ['finance', 'support'],
  /** Approving or rejecting a Paybill allocation (four eyes: never the person who raised it). */
  'paybill.decide': ['finance'],
  /** Marking Paybill money that belongs to no policy as to be refunded to the payer. */
  'paybill.mark_refund': ['finance'],
  'staff.manage': ['admin'],
  /** Security settings (e.g. two-factor required for every staff member), resetting a member's two-factor. */
  'security.manage': ['admin'],
  /** Load the insurer's book (preview, confirm) and edit products' payment settings. */
  'book.manage': ['admin', 'finance'],
  /** Send an imported holder a one-time link to set a password. */
  'holders.invite': ['finance', 'support'],
  /** Run a dead background job again once its cause is fixed (operations). */
  'jobs.retry': ['admin', 'finance'],
  /** Daily cash reconciliation (lib/reconciliation): days, breaks, report. */
  'recon.view': ['finance', 'support'],
  /** Upload an M-Pesa statement, fetch Paystack settlements, re-run matching. */
  'recon.upload': ['finance'],
  /** Resolve a break (by hand, refunded, allocation) and approve write-offs (four eyes). */
  'recon.resolve': ['finance'],
  /** Sign off a day once every break is resolved; it is then locked. */
  'recon.close': ['finance'],
  /** The insurer's systems: API keys and outbound webhook endpoints (create, revoke, rotate, resend). */
  'integrations.manage': ['admin'],
  /** Sandbox-only tools on a payment (e.g. "pay, but lose the callback"). */
  'sandbox.tools': ['finance', 'support'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffAction = keyof typeof STAFF_ACTIONS;
export const STAFF_ACTION_NAMES = Object.keys(STAFF_ACTIONS) as StaffAction[];

type WithRole = { role: Role | string } | null | undefined;

export function isStaffRole(role: unknown): role is StaffRole {
  return typeof role === 'string' && (STAFF_ROLES as readonly string[]).includes(role);
}

export function canDo(viewer: WithRole, action: StaffAction): boolean {
  return !!viewer && (STAFF_ACTIONS[action] as readonly string[]).includes(viewer.role);
}

export class ForbiddenError extends Error {
  constructor(message = 'Your role does not allow this.') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** For reads: throws, so a page that forgot its own check still shows nothing. */
export function assertCan(viewer: WithRole, action: StaffAction): void {
  if (!canDo(viewer, action)) throw new ForbiddenError();
}

export type Forbidden = { ok: false; code: 'forbidden'; error: string };

/** For actions: a result value, so callers can answer 403 without a stack trace. */
export function denyUnless(viewer: WithRole, action: StaffAction): Forbidden | null {
  if (canDo(viewer, action)) return null;
  const who = STAFF_ACTIONS[action].map((r) => ROLE_LABELS[r].label.toLowerCase()).join(' or ');
  return { ok: false, code: 'forbidden', error: `Only ${who} staff can do this. Nothing was changed.` };
}
