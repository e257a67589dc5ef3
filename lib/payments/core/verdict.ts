// The one vocabulary between the gateways and the payment core, and the one function that acts on
// it. Every gateway path (M-Pesa callback, STK Query, Paystack webhook, verify, charge answer, the
// sweeps) turns its wire message into a Verdict in its adapter (lib/payments/mpesa, /card) and
// hands it to applyVerdict, inside a transaction, under the payment's row lock.
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { payments, type Payment, type PaymentStatus } from '@/db/schema';
import { formatKes } from '@/lib/money';
import { closeUnpaid, completePayment, holdForReview } from './outcomes';
import { paybillOverlapOf } from './paybill-overlap';
import { saveCardFromCharge, type ChargedCard } from './saved-cards';
import { isClosedUnpaid, type ClosedUnpaid } from './status';
import { lockPayment, type PaymentPatch } from './transition';

/** Gateway identifiers a message carries; a message for another attempt is never applied. */
export type GatewayIds = { checkoutRequestId: string; merchantRequestId: string };

export type Verdict =
  /** The gateway says the money was taken. */
  | {
      kind: 'paid';
      amountMinor: number;
      currency: string;
      receipt: string | null;
      /** Who said it, for the status history ("STK callback", "Paystack webhook"). */
      via: string;
      /** Something staff should know although it is credited (e.g. no receipt number yet). */
      flag?: string;
      patch?: PaymentPatch;
      /** A card the holder may have asked us to keep. */
      card?: ChargedCard;
      ids?: GatewayIds;
    }
  /** The gateway says no money was taken. */
  | { kind: 'not_paid'; status: ClosedUnpaid; code: string; message: string; via: string; recheck?: boolean; ids?: GatewayIds }
  /** No final answer (still processing, no answer, abandoned but open). */
  | { kind: 'unknown'; detail: string; via: string; notFound?: boolean }
  /** Money may have moved but something does not match: nothing is credited, staff decide. */
  | { kind: 'mismatch'; reason: string; via: string; ids?: GatewayIds };

export type ApplyOutcome =
  | 'completed'
  | 'completed_late'
  | ClosedUnpaid
  | 'held_for_review'
  | 'not_final'
  | `duplicate_${PaymentStatus}`
  | 'unknown_payment'
  | 'unknown_checkout';

/**
 * Applies a verdict to one payment inside the caller's transaction; `judge` may be a function of
 * the locked payment (what we asked for) when the adapter needs it. Safe to repeat: the state
 * machine makes it idempotent.
 */
export async function applyVerdict(tx: Tx, paymentId: string, judge: Verdict | ((payment: Payment) => Verdict)): Promise<ApplyOutcome> {
  const early = typeof judge === 'function' ? null : judge;
  const earlyReceipt = early?.kind === 'paid' ? early.receipt : null;
  // The lock and the receipt lookup go out together; the lookup runs once the lock is held.
  const [payment, earlyOwner] = await Promise.all([lockPayment(tx, paymentId), receiptHolder(tx, earlyReceipt)]);
  if (!payment) return 'unknown_payment';
  const v = early ?? (judge as (payment: Payment) => Verdict)(payment);
  const receipt = v.kind === 'paid' ? v.receipt : null;
  const receiptOwner = early ? earlyOwner : await receiptHolder(tx, receipt);
  if (v.kind === 'unknown') return 'not_final';
  if ('ids' in v && v.ids && !(await sameAttempt(tx, payment, v.ids))) return 'unknown_checkout';
  const unchanged = `duplicate_${payment.status}` as const;

  if (v.kind === 'paid') {
    const problem =
      v.currency !== payment.currency
        ? `${v.via} reported currency ${v.currency}, expected ${payment.currency}.`
        : v.amountMinor !== payment.amountMinor
          ? `${v.via} amount ${formatKes(v.amountMinor)} differs from the ${formatKes(payment.amountMinor)} requested.`
          : receiptOwner && receiptOwner !== paymentId
            ? `Receipt ${receipt} was already used by another payment.`
            : null;
    const overlap = !problem && !receipt && isClosedUnpaid(payment.status) ? await paybillOverlapOf(tx, payment) : null;
    if (problem || overlap) return (await holdForReview(tx, { paymentId, reason: (problem ?? overlap)! })).ok ? 'held_for_review' : unchanged;
    const done = await completePayment(tx, { paymentId, reason: `${v.via}: paid`, receipt, flagReason: v.flag, patch: v.patch });
    if (!done.ok) return unchanged;
    if (v.card && done.payment.saveCard) await saveCardFromCharge(tx, done.payment, v.card);
    return isClosedUnpaid(done.from) ? 'completed_late' : 'completed';
  }
  if (v.kind === 'not_paid') {
    const closed = await closeUnpaid(tx, { paymentId, to: v.status, code: v.code, reason: v.message, recheck: v.recheck });
    return closed.ok ? v.status : unchanged;
  }
  return (await holdForReview(tx, { paymentId, reason: v.reason })).ok ? 'held_for_review' : unchanged;
}

/** Which payment already carries this receipt number, if any. */
async function receiptHolder(tx: Tx, receipt: string | null): Promise<string | null> {
  if (!receipt) return null;
  const [other] = await tx.select({ id: payments.id }).from(payments).where(eq(payments.mpesaReceipt, receipt));
  return other?.id ?? null;
}

/** The message is about this attempt; ids we had not stored yet (it beat our own write) are kept. */
async function sameAttempt(tx: Tx, payment: Payment, ids: GatewayIds): Promise<boolean> {
  if (payment.checkoutRequestId && payment.checkoutRequestId !== ids.checkoutRequestId) return false;
  if (payment.merchantRequestId && payment.merchantRequestId !== ids.merchantRequestId) return false;
  if (!payment.checkoutRequestId) {
    await tx.update(payments).set(ids).where(eq(payments.id, payment.id));
    Object.assign(payment, ids);
  }
  return true;
}

/** applyVerdict in a transaction of its own. */
export function settle(db: Db, paymentId: string, judge: Verdict | ((payment: Payment) => Verdict)): Promise<ApplyOutcome> {
  return db.transaction((tx) => applyVerdict(tx, paymentId, judge));
}
