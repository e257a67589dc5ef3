// Starting an M-Pesa payment: guard, record, then ask Daraja to prompt the phone.
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { gatewayEvents, paymentStatusChanges, payments, type Payment } from '@/db/schema';
import type { StkPushResult } from '@/lib/gateways/daraja/client';
import { enqueueJob } from '@/lib/jobs/queue';
import { formatKes } from '@/lib/money';
import { normalizeKenyanPhone } from '@/lib/phone';
import { isUuid } from '@/lib/policies';
import { reconcileSettings } from '@/lib/env';
import type { Viewer } from '@/lib/viewer';
import { lockPayablePolicy, overBalance } from './payable-policy';
import { initiationRefusal } from './initiation-limits';
import { closeUnpaid } from './outcomes';
import { newPaymentReference } from './reference';

export type StkPusher = {
  stkPush(input: {
    phone: string;
    amountKes: number;
    accountReference: string;
    description: string;
    callbackUrl: string;
  }): Promise<StkPushResult>;
};

export type InitiateResult =
  | { ok: true; payment: Payment; existing: boolean }
  | {
      ok: false;
      /** in_progress: another M-Pesa payment is still waiting on this policy (`payment`). */
      code: 'invalid' | 'not_found' | 'gateway' | 'rate_limited' | 'in_progress';
      error: string;
      payment?: Payment;
      /** gateway only: we cannot tell whether a prompt reached the phone (timeout, 5xx). */
      outcomeUnknown?: boolean;
    };

/** The failure code of a payment the holder closed by starting another one instead. */
export const REPLACED_CODE = 'replaced';

export const RECONCILE_JOB = 'mpesa.reconcile';
const MAX_STK_SHILLINGS = 250_000; // Daraja's per-transaction ceiling (daraja.md §3.2)

export async function initiateMpesaPayment(
  db: Db,
  deps: { daraja: StkPusher; callbackUrlFor: (paymentId: string) => string },
  viewer: Viewer,
  input: {
    policyId: string;
    amountMinor: number;
    phone: string;
    /**
     * The id of the waiting payment the holder chose to give up for this one ("Start again").
     * Only that payment is closed: if another one started meanwhile, the holder is asked again.
     */
    replacePaymentId?: string;
  },
): Promise<InitiateResult> {
  const { amountMinor } = input;
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 100 || amountMinor % 100 !== 0) {
    return { ok: false, code: 'invalid', error: 'M-Pesa takes whole shillings: enter an amount of at least KES 1 with no cents.' };
  }
  if (amountMinor > MAX_STK_SHILLINGS * 100) {
    return { ok: false, code: 'invalid', error: `M-Pesa accepts at most ${formatKes(MAX_STK_SHILLINGS * 100)} in one payment.` };
  }
  const phone = normalizeKenyanPhone(input.phone);
  if (!phone.ok) return { ok: false, code: 'invalid', error: phone.error };
  if (!isUuid(input.policyId)) return { ok: false, code: 'not_found', error: 'We could not find that policy.' };
  const refusal = await initiationRefusal(db, viewer.userId, phone.msisdn);
  if (refusal) return { ok: false, code: 'rate_limited', error: refusal };

  const created = await db.transaction(async (tx) => {
    const locked = await lockPayablePolicy(tx, viewer, input.policyId);
    if (!locked.ok) return locked;
    const { policy } = locked;
    const [inFlight] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.policyId, policy.id), eq(payments.status, 'pending'), eq(payments.method, 'mpesa')));
    if (inFlight) {
      // The same request again (a double tap, a second tab): that payment is this one.
      const same = inFlight.amountMinor === amountMinor && inFlight.phone === phone.msisdn;
      if (same && inFlight.id !== input.replacePaymentId) {
        return { ok: true as const, payment: inFlight, existing: true, policyNumber: policy.number };
      }
      if (inFlight.id !== input.replacePaymentId) {
        // Never turn a different request into the waiting one silently: the holder decides.
        return {
          ok: false as const,
          code: 'in_progress' as const,
          error: 'A payment on this policy is still waiting for M-Pesa.',
          payment: inFlight,
        };
      }
      // Closed on our side only: if the old prompt is paid after all, the payments core still
      // credits the late success (payments-core issue), so no money is lost either way.
      const closed = await closeUnpaid(tx, {
        paymentId: inFlight.id,
        to: 'cancelled',
        code: REPLACED_CODE,
        reason: 'You started a new payment instead of this one.',
      });
      if (!closed.ok) return { ok: false as const, code: 'in_progress' as const, error: 'That payment has just changed. Please check it and try again.', payment: inFlight };
    } else if (input.replacePaymentId && isUuid(input.replacePaymentId)) {
      // The one to replace finished meanwhile: if it was paid, a new prompt would charge twice.
      const [old] = await tx.select().from(payments).where(and(eq(payments.id, input.replacePaymentId), eq(payments.policyId, policy.id)));
      if (old && (old.status === 'completed' || old.status === 'review')) {
        return { ok: false as const, code: 'in_progress' as const, error: 'Your earlier payment has just gone through, so we did not send another prompt.', payment: old };
      }
    }
    const refused = await overBalance(tx, policy.id, amountMinor);
    if (refused) return refused;
    const [payment] = await tx
      .insert(payments)
      .values({
        reference: newPaymentReference(),
        userId: viewer.userId,
        policyId: policy.id,
        method: 'mpesa',
        amountMinor,
        phone: phone.msisdn,
      })
      .returning();
    await tx.insert(paymentStatusChanges).values({ paymentId: payment.id, toStatus: 'pending', reason: 'M-Pesa payment started' });
    // The safety net is queued with the payment itself, so no crash can leave it unwatched.
    await enqueueJob(tx, {
      kind: RECONCILE_JOB,
      key: `${RECONCILE_JOB}:${payment.id}`,
      payload: { paymentId: payment.id },
      runAt: new Date(Date.now() + reconcileSettings().firstCheckAfter * 1000),
    });
    return { ok: true as const, payment, existing: false, policyNumber: policy.number };
  });
  if (!created.ok) return created;
  if (created.existing) return { ok: true, payment: created.payment, existing: true };

  const payment = created.payment;
  const push = await deps.daraja.stkPush({
    phone: payment.phone!,
    amountKes: amountMinor / 100,
    accountReference: created.policyNumber.replace(/[^A-Za-z0-9]/g, '').slice(-12),
    description: 'Premium',
    callbackUrl: deps.callbackUrlFor(payment.id),
  });
  await db
    .insert(gatewayEvents)
    .values({
      source: 'daraja',
      kind: 'stk_push_response',
      dedupeKey: `stk_push_response:${payment.id}`,
      paymentId: payment.id,
      raw: JSON.stringify(push),
      payload: push,
      processedAt: new Date(),
      outcome: push.ok ? 'accepted' : push.kind,
    })
    .onConflictDoNothing();

  if (push.ok) {
    const [updated] = await db
      .update(payments)
      .set({ merchantRequestId: push.merchantRequestId, checkoutRequestId: push.checkoutRequestId, updatedAt: new Date() })
      .where(eq(payments.id, payment.id))
      .returning();
    return { ok: true, payment: updated, existing: false };
  }
  // Refused for sure ('rejected', 'retryable'): failed. Outcome unknown (timeout, 5xx): expired,
  // so the policy is free again while a late callback on this payment's URL can still complete it.
  const closed = await db.transaction((tx) =>
    closeUnpaid(tx, {
      paymentId: payment.id,
      to: push.kind === 'unknown' ? 'expired' : 'failed',
      code: push.code,
      reason: push.message,
    }),
  );
  return {
    ok: false,
    code: 'gateway',
    error: push.message,
    payment: closed.ok ? closed.payment : payment,
    outcomeUnknown: push.kind === 'unknown',
  };
}
