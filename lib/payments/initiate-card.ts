// Starting a card payment: a Paystack hosted checkout, or a one-tap charge of a saved card.
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { gatewayEvents, paymentStatusChanges, payments, users, type Payment } from '@/db/schema';
import type { PaystackClient } from '@/lib/gateways/paystack/client';
import { enqueueJob } from '@/lib/jobs/queue';
import { formatKes } from '@/lib/money';
import { isUuid } from '@/lib/policies';
import { isScoped, type Viewer } from '@/lib/viewer';
import { lockPayablePolicy, overBalance } from './payable-policy';
import { initiationRefusal } from './initiation-limits';
import { closeUnpaid } from './outcomes';
import { applyPaystackTransaction, plainCardFailure } from './paystack-apply';
import { newPaymentReference } from './reference';
import { getSavedCard } from './saved-cards';

export const CARD_RECONCILE_JOB = 'card.reconcile';
export const CARD_MIN_MINOR = 300; // Paystack's KES minimum (paystack.md §1)

export type CardInitiateResult =
  | { ok: true; payment: Payment; next: 'redirect' | 'status' | 'success' }
  | { ok: false; code: 'invalid' | 'not_found' | 'gateway' | 'rate_limited'; error: string; payment?: Payment };

type Deps = { paystack: PaystackClient; returnUrlFor: (paymentId: string) => string };

export async function initiateCardPayment(
  db: Db,
  deps: Deps,
  viewer: Viewer,
  input: { policyId: string; amountMinor: number; saveCard?: boolean; savedCardId?: string },
): Promise<CardInitiateResult> {
  const { amountMinor } = input;
  if (!Number.isSafeInteger(amountMinor) || amountMinor < CARD_MIN_MINOR) {
    return { ok: false, code: 'invalid', error: `Card payments start at ${formatKes(CARD_MIN_MINOR)}.` };
  }
  if (!isUuid(input.policyId)) return { ok: false, code: 'not_found', error: 'We could not find that policy.' };
  const savedCard = input.savedCardId ? await getSavedCard(db, viewer, input.savedCardId) : null;
  if (input.savedCardId && !savedCard) return { ok: false, code: 'not_found', error: 'That saved card is no longer available.' };
  const refusal = await initiationRefusal(db, viewer.userId);
  if (refusal) return { ok: false, code: 'rate_limited', error: refusal };

  const created = await db.transaction(async (tx) => {
    const locked = await lockPayablePolicy(tx, viewer, input.policyId);
    if (!locked.ok) return locked;
    const { policy } = locked;
    const refused = await overBalance(tx, policy.id, amountMinor);
    if (refused) return refused;
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, viewer.userId));
    const reference = newPaymentReference();
    const [payment] = await tx
      .insert(payments)
      .values({
        reference,
        paystackReference: reference,
        userId: viewer.userId,
        policyId: policy.id,
        method: 'card',
        amountMinor,
        // A pay-link / guest payer may not keep a card on the holder's account.
        saveCard: !savedCard && !!input.saveCard && !isScoped(viewer),
      })
      .returning();
    await tx.insert(paymentStatusChanges).values({ paymentId: payment.id, toStatus: 'pending', reason: savedCard ? 'Saved card charge started' : 'Card checkout started' });
    // Abandoned checkouts send no webhook (paystack.md §5): a job verifies until it is final.
    await enqueueJob(tx, {
      kind: CARD_RECONCILE_JOB,
      key: `${CARD_RECONCILE_JOB}:${payment.id}`,
      payload: { paymentId: payment.id },
      runAt: new Date(Date.now() + 5 * 60_000),
    });
    return { ok: true as const, payment, email: user.email, policyNumber: policy.number };
  });
  if (!created.ok) return created;
  const { payment } = created;
  const metadata = { payment_id: payment.id, policy_number: created.policyNumber };

  if (savedCard) {
    const charge = await deps.paystack.chargeAuthorization({
      email: savedCard.email,
      amountMinor,
      authorizationCode: savedCard.authorizationCode,
      reference: payment.paystackReference!,
      metadata,
    });
    await recordAnswer(db, payment.id, 'paystack_charge_authorization', charge, charge.outcome);
    if (charge.outcome === 'success' || charge.outcome === 'failed') {
      const outcome = await applyPaystackTransaction(db, charge.tx, 'charge_authorization');
      const fresh = await reload(db, payment.id);
      if (outcome === 'completed') return { ok: true, payment: fresh, next: 'success' };
      if (fresh.status === 'failed') return { ok: false, code: 'gateway', error: fresh.failureReason ?? plainCardFailure(null), payment: fresh };
      return { ok: true, payment: fresh, next: 'status' };
    }
    if (charge.outcome === 'paused') {
      const [fresh] = await db.update(payments).set({ checkoutUrl: charge.authorizationUrl }).where(eq(payments.id, payment.id)).returning();
      return { ok: true, payment: fresh, next: 'redirect' };
    }
    if (charge.outcome === 'pending' || charge.uncertain) return { ok: true, payment, next: 'status' };
    return failWith(db, payment, charge.code, 'We could not charge your saved card. Please try again or use another card.');
  }

  const init = await deps.paystack.initializeTransaction({
    email: created.email,
    amountMinor,
    reference: payment.paystackReference!,
    callbackUrl: deps.returnUrlFor(payment.id),
    metadata: { ...metadata, cancel_action: `${deps.returnUrlFor(payment.id)}?cancelled=1` },
    channels: ['card'],
  });
  await recordAnswer(db, payment.id, 'paystack_initialize', init, init.ok ? 'accepted' : init.code);
  if (!init.ok) return failWith(db, payment, init.code, 'We could not open the card checkout. Please try again in a moment.');
  const [fresh] = await db.update(payments).set({ checkoutUrl: init.authorizationUrl, updatedAt: new Date() }).where(eq(payments.id, payment.id)).returning();
  return { ok: true, payment: fresh, next: 'redirect' };
}

async function reload(db: Db, id: string) {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  return row;
}

async function failWith(db: Db, payment: Payment, code: string, message: string): Promise<CardInitiateResult> {
  const closed = await db.transaction((tx) => closeUnpaid(tx, { paymentId: payment.id, to: 'failed', code, reason: message }));
  return { ok: false, code: 'gateway', error: message, payment: closed.ok ? closed.payment : payment };
}

async function recordAnswer(db: Db, paymentId: string, kind: string, answer: unknown, outcome: string) {
  await db
    .insert(gatewayEvents)
    .values({ source: 'paystack', kind, dedupeKey: `${kind}:${paymentId}`, paymentId, raw: JSON.stringify(answer), payload: answer, processedAt: new Date(), outcome })
    .onConflictDoNothing();
}
