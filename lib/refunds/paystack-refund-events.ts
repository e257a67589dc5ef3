// Applies Paystack's refund.* webhooks (stored raw by the webhook handler before this runs).
// The events carry no id of ours (docs/paystack.md §9.5): they are matched by the transaction's
// reference (= payments.paystack_reference) and the amount, to the payment's one refund in flight
// (approval allows one at a time per card payment). Moves only go forward, so a late or replayed
// refund.pending never undoes a refund.processed, and a replayed processed books nothing twice.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { payments, refunds, type Refund } from '@/db/schema';
import type { RefundEvent, RefundEventData } from '@/lib/gateways/paystack/schemas';
import { CURRENCY } from '@/lib/money';
import { lockPayment } from '@/lib/payments/core/transition';
import { postRefundToLedger } from './post-refund';
import { IN_FLIGHT, moveRefund } from './status';

export async function applyPaystackRefundEvent(db: Db, event: RefundEvent, data: RefundEventData): Promise<string> {
  const [found] = await db.select({ id: payments.id }).from(payments).where(eq(payments.paystackReference, data.transaction_reference));
  if (!found) return 'refund_unknown_reference';
  return db.transaction(async (tx) => {
    // The payment's row lock orders this event against approvals, requests and other events.
    const payment = (await lockPayment(tx, found.id))!;
    const candidates = await tx
      .select()
      .from(refunds)
      .where(and(eq(refunds.paymentId, payment.id), inArray(refunds.status, IN_FLIGHT)))
      .orderBy(asc(refunds.createdAt));
    const refund = pick(candidates, data);
    if (!refund) {
      const [done] = await tx
        .select({ status: refunds.status })
        .from(refunds)
        .where(and(eq(refunds.paymentId, payment.id), eq(refunds.amountMinor, data.amount)))
        .orderBy(asc(refunds.createdAt));
      return done ? `refund_already_${done.status}` : 'refund_unmatched';
    }
    switch (event) {
      case 'refund.pending':
      case 'refund.processing': {
        const moved = refund.status === 'approved' ? await moveRefund(tx, refund.id, 'processing') : undefined;
        return moved ? 'refund_processing' : `refund_already_${refund.status}`;
      }
      case 'refund.processed': {
        const moved = await moveRefund(tx, refund.id, 'processed', { failureReason: null });
        if (!moved) return `refund_already_${refund.status}`;
        await postRefundToLedger(tx, moved, payment);
        return 'refund_processed';
      }
      case 'refund.failed': {
        const moved = await moveRefund(tx, refund.id, 'failed', {
          failureReason: 'Paystack could not send the money back to the card. Contact the holder to refund another way.',
        });
        return moved ? 'refund_failed' : `refund_already_${refund.status}`;
      }
      case 'refund.needs-attention': {
        // Paystack wants someone to look (e.g. the card account is closed): keep it in flight, and
        // put the payment in the staff review queue.
        const reason = 'Paystack says this refund needs attention: check it on the Paystack dashboard.';
        if (refund.status === 'approved') await moveRefund(tx, refund.id, 'processing');
        await tx.update(refunds).set({ failureReason: reason, updatedAt: new Date() }).where(eq(refunds.id, refund.id));
        await tx.update(payments).set({ flagged: true, flagReason: reason }).where(eq(payments.id, payment.id));
        return 'refund_needs_attention';
      }
      default:
        return 'refund_ignored';
    }
  });
}

/** The refund this event is about: by Paystack's refund id when the event has one, else by amount. */
function pick(candidates: Refund[], data: RefundEventData): Refund | undefined {
  if (data.currency !== CURRENCY) return undefined;
  const byId = data.id ? candidates.find((r) => r.gatewayReference === data.id) : undefined;
  return byId ?? candidates.find((r) => r.amountMinor === data.amount);
}
