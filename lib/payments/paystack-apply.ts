// Applying what Paystack says about a transaction, from whichever path heard first: the signed
// webhook or our own verify call when the browser returns. Both run this, under the payment's row
// lock, so a payment is completed exactly once.
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { payments } from '@/db/schema';
import { toCardDetails, type ParsedTransaction } from '@/lib/gateways/paystack/schemas';
import { CURRENCY } from '@/lib/money';
import { closeUnpaid, completePayment, holdForReview } from './outcomes';
import { saveCardFromCharge } from './saved-cards';
import { isClosedUnpaid } from './status';
import { lockPayment } from './transition';

/** completed | completed_late | failed | held_for_review | not_final | unknown_reference | duplicate_<status> */
export type PaystackApplyOutcome = string;

export async function applyPaystackTransaction(db: Db, t: ParsedTransaction, via: string): Promise<PaystackApplyOutcome> {
  const [found] = await db.select({ id: payments.id }).from(payments).where(eq(payments.paystackReference, t.reference));
  if (!found) return 'unknown_reference';
  return db.transaction(async (tx) => {
    const payment = (await lockPayment(tx, found.id))!;
    if (t.status === 'success') {
      const problem = mismatch(payment.amountMinor, t);
      if (problem) {
        const held = await holdForReview(tx, { paymentId: payment.id, reason: problem });
        return held.ok ? 'held_for_review' : `duplicate_${payment.status}`;
      }
      const card = toCardDetails(t.authorization);
      const done = await completePayment(tx, {
        paymentId: payment.id,
        reason: `Paystack ${via}: success`,
        patch: card ? { cardBrand: card.brand, cardLast4: card.last4 } : {},
      });
      if (!done.ok) return `duplicate_${payment.status}`;
      if (card) await saveCardFromCharge(tx, done.payment, card, t.customer.email ?? '');
      return isClosedUnpaid(done.from) ? 'completed_late' : 'completed';
    }
    if (t.status === 'failed') {
      const closed = await closeUnpaid(tx, {
        paymentId: payment.id,
        to: 'failed',
        code: 'card_failed',
        reason: plainCardFailure(t.gateway_response),
        // The hosted checkout stays open: the holder may pay with another card (paystack.md §5).
        recheck: true,
      });
      return closed.ok ? 'failed' : `duplicate_${payment.status}`;
    }
    // abandoned, ongoing, pending, …: not final (paystack.md §5, §13.12).
    return 'not_final';
  });
}

function mismatch(amountMinor: number, t: ParsedTransaction): string | null {
  if (t.currency !== CURRENCY) return `Paystack reported currency ${t.currency}, expected ${CURRENCY}.`;
  // `amount` may exceed what we asked when fees are passed on; `requested_amount` is what we asked.
  const requested = t.requested_amount ?? t.amount;
  if (requested !== amountMinor || t.amount < amountMinor) {
    return `Paystack amount ${t.amount} (requested ${requested}) differs from ${amountMinor}.`;
  }
  return null;
}

/** Paystack's gateway_response in words a payer understands. */
export function plainCardFailure(gatewayResponse: string | null): string {
  const r = (gatewayResponse ?? '').toLowerCase();
  if (r.includes('insufficient')) return 'Your card has insufficient funds. Try another card or pay by M-Pesa.';
  if (r.includes('expired')) return 'Your card has expired. Try another card.';
  if (r.includes('declined') || r.includes('do not honor')) return 'Your bank declined the card. Try another card or pay by M-Pesa.';
  if (r.includes('fraud') || r.includes('pickup')) return 'This card cannot be used. Please contact your bank or use another card.';
  return gatewayResponse ? `The card payment failed: ${gatewayResponse}.` : 'The card payment did not go through.';
}
