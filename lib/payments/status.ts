// The one state machine for a payment. Every status change goes through transitionPayment(),
// which turns this table into a conditional UPDATE.
import type { PaymentStatus } from '@/db/schema';

export const PAYMENT_STATUSES = ['pending', 'completed', 'failed', 'cancelled', 'expired', 'review'] as const;

export const ALLOWED_TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['completed', 'failed', 'cancelled', 'expired', 'review'],
  // We stopped waiting, but the customer's money was taken: a late success still completes it.
  expired: ['completed', 'review'],
  // Something did not match (amount, receipt); staff accept or reject.
  review: ['completed', 'failed'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** The states from which `to` may be reached. */
export function sourcesOf(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(ALLOWED_TRANSITIONS) as PaymentStatus[]).filter((from) => canTransition(from, to));
}

/** Nothing the gateways say can move a terminal payment (refunds are ledger lines, not states). */
export function isTerminal(status: PaymentStatus): boolean {
  return ALLOWED_TRANSITIONS[status].length === 0;
}

/** States a payer can still be waiting on. */
export function isWaiting(status: PaymentStatus): boolean {
  return status === 'pending';
}
