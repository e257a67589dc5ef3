// Opening a payment, whatever the method: the checks every method makes (the viewer's own active
// policy, no overpayment, abuse limits, one M-Pesa prompt per policy at a time), the row, its first
// status line and its sweep job, in one transaction, so no crash can leave a payment unwatched.
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { paymentStatusChanges, payments, users, type Payment } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import { isUuid } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { initiationRefusal } from './initiation-limits';
import { lockPayablePolicy, overBalance } from './payable-policy';
import { newPaymentReference } from './reference';
import { SWEEP_JOB, sweepSettings } from './schedule';
import { applyVerdict } from './verdict';

/** in_progress: another M-Pesa payment is still waiting on this policy (`payment`): the holder decides. */
export type OpenRefusal = { ok: false; code: 'invalid' | 'not_found' | 'rate_limited' | 'in_progress'; error: string; payment?: Payment };

/** The failure code of a payment the holder closed by starting another one instead. */
export const REPLACED_CODE = 'replaced';
export type Opened = { ok: true; payment: Payment; existing: boolean; policyNumber: string; email: string };

export async function openPayment(
  db: Db,
  viewer: Viewer,
  input: {
    policyId: string;
    method: Payment['method'];
    amountMinor: number;
    /** M-Pesa: the normalised number to prompt (also rate-limited). */
    phone?: string;
    saveCard?: boolean;
    /** The first line of the payment's history, e.g. "M-Pesa payment started". */
    startedAs: string;
    /**
     * The waiting M-Pesa payment the holder chose to give up for this one ("Start again"). Only that
     * payment is closed: if another one started meanwhile, the holder is asked again.
     */
    replacePaymentId?: string;
  },
): Promise<Opened | OpenRefusal> {
  if (!isUuid(input.policyId)) return { ok: false, code: 'not_found', error: 'We could not find that policy.' };
  const refusal = await initiationRefusal(db, viewer.userId, input.phone);
  if (refusal) return { ok: false, code: 'rate_limited', error: refusal };
  return db.transaction(async (tx) => {
    const locked = await lockPayablePolicy(tx, viewer, input.policyId);
    if (!locked.ok) return locked;
    const { policy } = locked;
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, viewer.userId));
    const opened = { policyNumber: policy.number, email: user.email };
    if (input.method === 'mpesa') {
      // One prompt per policy at a time (a unique index enforces it): the holder sees the one open.
      const [inFlight] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.policyId, policy.id), eq(payments.status, 'pending'), eq(payments.method, 'mpesa')));
      if (inFlight) {
        // The same request again (a double tap, a second tab): that payment is this one.
        const same = inFlight.amountMinor === input.amountMinor && inFlight.phone === input.phone;
        if (same && inFlight.id !== input.replacePaymentId) return { ok: true as const, payment: inFlight, existing: true, ...opened };
        // Never turn a different request into the waiting one silently.
        if (inFlight.id !== input.replacePaymentId) {
          return { ok: false as const, code: 'in_progress' as const, error: 'A payment on this policy is still waiting for M-Pesa.', payment: inFlight };
        }
        // Closed on our side only, and asked about again later: if the old prompt is paid after
        // all, the late success is still credited, so no money is lost either way.
        const closed = await applyVerdict(tx, inFlight.id, {
          kind: 'not_paid',
          status: 'cancelled',
          code: REPLACED_CODE,
          message: 'You started a new payment instead of this one.',
          via: 'Holder',
          recheck: true,
        });
        if (closed !== 'cancelled') {
          return { ok: false as const, code: 'in_progress' as const, error: 'That payment has just changed. Please check it and try again.', payment: inFlight };
        }
      } else if (input.replacePaymentId && isUuid(input.replacePaymentId)) {
        // The one to replace finished meanwhile: if it was paid, a new prompt would charge twice.
        const [old] = await tx.select().from(payments).where(and(eq(payments.id, input.replacePaymentId), eq(payments.policyId, policy.id)));
        if (old && (old.status === 'completed' || old.status === 'review')) {
          return { ok: false as const, code: 'in_progress' as const, error: 'Your earlier payment has just gone through, so we did not send another prompt.', payment: old };
        }
      }
    }
    const refused = await overBalance(tx, policy.id, input.amountMinor);
    if (refused) return refused;
    const reference = newPaymentReference();
    const [payment] = await tx
      .insert(payments)
      .values({
        reference,
        userId: viewer.userId,
        policyId: policy.id,
        method: input.method,
        amountMinor: input.amountMinor,
        phone: input.phone ?? null,
        // Our reference is also the card checkout's reference at Paystack.
        paystackReference: input.method === 'card' ? reference : null,
        saveCard: !!input.saveCard,
      })
      .returning();
    await tx.insert(paymentStatusChanges).values({ paymentId: payment.id, toStatus: 'pending', reason: input.startedAs });
    await enqueueJob(tx, {
      kind: SWEEP_JOB[input.method],
      key: `${SWEEP_JOB[input.method]}:${payment.id}`,
      payload: { paymentId: payment.id },
      runAt: new Date(Date.now() + sweepSettings(input.method).firstCheckAfterMs),
    });
    return { ok: true as const, payment, existing: false, ...opened };
  });
}

/** What the gateway gave us for an opened payment: Daraja's request ids, or the hosted checkout's URL. */
export async function attachToGateway(
  db: Db,
  paymentId: string,
  fields: { merchantRequestId: string; checkoutRequestId: string } | { checkoutUrl: string },
): Promise<Payment> {
  const [row] = await db.update(payments).set({ ...fields, updatedAt: new Date() }).where(eq(payments.id, paymentId)).returning();
  return row;
}

export async function loadPayment(db: Db, paymentId: string): Promise<Payment | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.id, paymentId));
  return row;
}

/** The payment a Paystack reference belongs to (card payments use our reference at Paystack). */
export async function paymentIdForPaystackReference(db: Db, reference: string): Promise<string | null> {
  const [row] = await db.select({ id: payments.id }).from(payments).where(eq(payments.paystackReference, reference));
  return row?.id ?? null;
}
