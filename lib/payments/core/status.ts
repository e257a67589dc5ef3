// The one state machine for a payment. Every status change goes through transitionPayment(),
// which turns this table into a conditional UPDATE.
import type { PaymentStatus } from '@/db/schema';

export const PAYMENT_STATUSES = ['pending', 'completed', 'failed', 'cancelled', 'expired', 'review'] as const;

/** The states in which we stopped waiting without being paid. */
export const CLOSED_UNPAID = ['failed', 'cancelled', 'expired'] as const;
export type ClosedUnpaid = (typeof CLOSED_UNPAID)[number];

export const ALLOWED_TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['completed', 'failed', 'cancelled', 'expired', 'review'],
  // A closed payment is closed on OUR side only. If a gateway later says the money was taken (a
  // second card on the same checkout, a late M-Pesa callback or query), the holder paid: it is
  // credited (or held for review when the amount differs), never dropped.
  failed: ['completed', 'review'],
  cancelled: ['completed', 'review'],
  expired: ['completed', 'review'],
  // Something did not match (amount, receipt); staff accept or reject.
  review: ['completed', 'failed'],
  completed: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export function isClosedUnpaid(status: PaymentStatus): status is ClosedUnpaid {
  return (CLOSED_UNPAID as readonly string[]).includes(status);
}
