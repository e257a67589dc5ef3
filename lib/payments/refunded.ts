// How much of a payment went back to the holder, read from the ledger (refund lines are booked
// when a refund is processed), never from a stored flag: a refunded payment stays 'completed' in
// the state machine, so every screen asks here whether it was kept.
import { sql } from 'drizzle-orm';
import { payments } from '@/db/schema';

/** Per payment row (correlated; served by ledger_payment_idx). */
export const refundedMinorSql = sql<string>`(select coalesce(sum(l.amount_minor), 0) from ledger_entries l where l.payment_id = ${payments.id} and l.kind = 'refund' and l.account = 'holder')`;

export type RefundState = 'refunded' | 'part_refunded' | null;

export function refundStateOf(p: { status: string; amountMinor: number; refundedMinor: number }): RefundState {
  if (p.status !== 'completed' || p.refundedMinor <= 0) return null;
  return p.refundedMinor >= p.amountMinor ? 'refunded' : 'part_refunded';
}

export const REFUND_STATE_LABELS: Record<NonNullable<RefundState>, string> = {
  refunded: 'Refunded',
  part_refunded: 'Part refunded',
};
