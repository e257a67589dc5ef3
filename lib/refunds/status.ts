// A refund's life, one way only: requested → approved → processing → processed | failed, or
// requested → rejected. Every move is a conditional UPDATE on the current status, so two staff
// clicking at once, or a late gateway message, can never move a refund backwards or twice.
import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { refunds, type Refund } from '@/db/schema';
import { emitRefundProcessed } from '@/lib/integration/events';
import { isRefundNoticeStatus, queueRefundNotice } from '@/lib/notifications/refund-notice';

export type RefundStatus = Refund['status'];

export const REFUND_MOVES: Record<RefundStatus, readonly RefundStatus[]> = {
  requested: ['approved', 'rejected'],
  // M-Pesa refunds go straight to processed when staff record the pay-out.
  approved: ['processing', 'processed', 'failed'],
  processing: ['processed', 'failed'],
  processed: [],
  rejected: [],
  failed: [],
};

/** What still counts against a payment's refundable amount (everything but rejected and failed). */
export const OPEN_OR_DONE: RefundStatus[] = ['requested', 'approved', 'processing', 'processed'];
/** Handed to the gateway (or to staff for an M-Pesa pay-out) and not finished yet. */
export const IN_FLIGHT: RefundStatus[] = ['approved', 'processing'];

export function sourcesOf(to: RefundStatus): RefundStatus[] {
  return (Object.keys(REFUND_MOVES) as RefundStatus[]).filter((from) => REFUND_MOVES[from].includes(to));
}

type RefundPatch = Partial<Pick<Refund, 'decidedBy' | 'decisionNote' | 'decidedAt' | 'gatewayReference' | 'failureReason' | 'completedAt'>>;

/** Moves the refund to `to` if it is in a state that may go there; undefined when it was not. */
export async function moveRefund(tx: Queryable, refundId: string, to: RefundStatus, patch: RefundPatch = {}): Promise<Refund | undefined> {
  const [row] = await tx
    .update(refunds)
    .set({ ...patch, status: to, updatedAt: new Date(), ...(to === 'processed' || to === 'failed' ? { completedAt: new Date() } : {}) })
    .where(and(eq(refunds.id, refundId), inArray(refunds.status, sourcesOf(to))))
    .returning();
  // The holder hears about each decision and the pay-out, once (queued in the caller's transaction).
  if (row && isRefundNoticeStatus(to)) await queueRefundNotice(tx, row.id, to);
  // The insurer's systems hear that the money went back (outbox, same transaction).
  if (row && to === 'processed') await emitRefundProcessed(tx, row);
  return row;
}

/** Words for holders and staff. */
export const REFUND_LABELS: Record<RefundStatus, { label: string; className: string; explain: string }> = {
  requested: { label: 'Requested', className: 'bg-amber-100 text-amber-900', explain: 'We have your request and will decide on it soon.' },
  approved: { label: 'Approved', className: 'bg-sky-100 text-sky-900', explain: 'Approved. The money is being sent back to you.' },
  processing: { label: 'On its way', className: 'bg-sky-100 text-sky-900', explain: 'Sent to your bank or card issuer. It usually arrives within 10 working days.' },
  processed: { label: 'Refunded', className: 'bg-brand-100 text-brand-800', explain: 'The money has been sent back to you.' },
  rejected: { label: 'Not approved', className: 'bg-slate-200 text-slate-700', explain: 'This refund was not approved.' },
  failed: { label: 'Failed', className: 'bg-red-100 text-red-800', explain: 'The refund could not be completed. We will contact you.' },
};
