// Card payments that never reached a final state (abandoned checkout, lost webhook) are verified
// with Paystack until they are, then expired (paystack.md §5: webhooks exist only for successes).
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { payments, type PaymentStatus } from '@/db/schema';
import type { PaystackClient } from '@/lib/gateways/paystack/client';
import type { JobResult } from '@/lib/jobs/worker';
import { closeUnpaid } from './outcomes';
import { applyPaystackTransaction } from './paystack-apply';
import { isClosedUnpaid } from './status';

const RECHECK_MS = 5 * 60_000;
export const CARD_EXPIRE_AFTER_MS = 30 * 60_000;

export async function reconcileCardPayment(db: Db, paystack: Pick<PaystackClient, 'verifyTransaction'>, paymentId: string, now = new Date()): Promise<JobResult> {
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!payment || payment.status !== 'pending' || !payment.paystackReference) return { done: true, note: `already ${payment?.status ?? 'gone'}` };
  const verified = await paystack.verifyTransaction(payment.paystackReference);
  if (verified.ok) {
    const outcome = await applyPaystackTransaction(db, verified.tx, 'reconcile');
    if (outcome !== 'not_final') return { done: true, note: outcome };
  }
  if (now.getTime() - payment.createdAt.getTime() < CARD_EXPIRE_AFTER_MS) {
    return { done: false, retryAt: new Date(now.getTime() + RECHECK_MS), note: verified.ok ? verified.tx.status : verified.code };
  }
  await db.transaction((tx) =>
    closeUnpaid(tx, { paymentId, to: 'expired', code: 'abandoned', reason: 'The card checkout was not completed.', recheck: true }),
  );
  return { done: true, note: 'expired' };
}

/**
 * The return page's check: ask Paystack ourselves, never trust the query string (§4). A payment we
 * closed is asked about too: the holder may have gone back to the checkout and paid.
 */
export async function verifyOnReturn(db: Db, paystack: Pick<PaystackClient, 'verifyTransaction'>, payment: { id: string; status: PaymentStatus; paystackReference: string | null }) {
  if (!(payment.status === 'pending' || isClosedUnpaid(payment.status)) || !payment.paystackReference) return null;
  const verified = await paystack.verifyTransaction(payment.paystackReference);
  return verified.ok ? applyPaystackTransaction(db, verified.tx, 'verify') : null;
}

/**
 * The holder came back from the hosted checkout (its callback, or its cancel link): ask Paystack,
 * apply the answer, and when they left without paying and Paystack has nothing final, close the
 * attempt as cancelled (asked about again later: they may go back and pay on the same checkout).
 */
export async function returnFromCheckout(
  db: Db,
  paystack: Pick<PaystackClient, 'verifyTransaction'>,
  payment: { id: string; status: PaymentStatus; paystackReference: string | null },
  opts: { cancelled: boolean },
): Promise<string | null> {
  const outcome = await verifyOnReturn(db, paystack, payment);
  if (!opts.cancelled || (outcome !== null && outcome !== 'not_final')) return outcome;
  const closed = await db.transaction((tx) =>
    closeUnpaid(tx, {
      paymentId: payment.id,
      to: 'cancelled',
      code: 'checkout_cancelled',
      reason: 'You left the card checkout before paying.',
      recheck: true,
    }),
  );
  return closed.ok ? 'cancelled' : outcome;
}
