// Paying by card (Paystack), end to end: a hosted checkout or a one-tap charge of a saved card,
// the return from the checkout, signed webhooks, and verify when nothing else came. Glue only: the
// adapter (card/adapter.ts) says what an answer means, the core (core/) records it and moves the payment.
import type { Db } from '@/db/client';
import type { Payment, PaymentStatus } from '@/db/schema';
import type { PaystackClient } from '@/lib/gateways/paystack/client';
import type { ParsedTransaction } from '@/lib/gateways/paystack/schemas';
import { log } from '@/lib/log';
import { isScoped, type Viewer } from '@/lib/viewer';
import { cardAmountProblem, transactionVerdict } from './card/adapter';
import { applyReceivedEvent, recordGatewayEvent } from './core/gateway-events';
import { attachToGateway, loadPayment, openPayment } from './core/open-payment';
import { isClosedUnpaid } from './core/status';
import { askAndApply, type GatewayCheck } from './core/sweep';
import { applyVerdict, settle, type ApplyOutcome } from './core/verdict';
import { getSavedCard } from './saved-cards';

export type CardInitiateResult =
  | { ok: true; payment: Payment; next: 'redirect' | 'status' | 'success' }
  | { ok: false; code: 'invalid' | 'not_found' | 'gateway' | 'rate_limited' | 'in_progress'; error: string; payment?: Payment };

type Deps = { paystack: PaystackClient; returnUrlFor: (paymentId: string) => string };

export async function initiateCardPayment(
  db: Db,
  deps: Deps,
  viewer: Viewer,
  input: { policyId: string; amountMinor: number; saveCard?: boolean; savedCardId?: string },
): Promise<CardInitiateResult> {
  const problem = cardAmountProblem(input.amountMinor);
  if (problem) return { ok: false, code: 'invalid', error: problem };
  const savedCard = input.savedCardId ? await getSavedCard(db, viewer, input.savedCardId) : null;
  if (input.savedCardId && !savedCard) return { ok: false, code: 'not_found', error: 'That saved card is no longer available.' };
  const opened = await openPayment(db, viewer, {
    policyId: input.policyId,
    method: 'card',
    amountMinor: input.amountMinor,
    // A pay-link / guest payer may not keep a card on the holder's account.
    saveCard: !savedCard && !!input.saveCard && !isScoped(viewer),
    startedAs: savedCard ? 'Saved card charge started' : 'Card checkout started',
  });
  if (!opened.ok) return opened;
  const { payment } = opened;
  const metadata = { payment_id: payment.id, policy_number: opened.policyNumber };
  const record = async (kind: string, answer: unknown, outcome: string) => {
    log.info({ event: 'payment.card_started', paymentId: payment.id, gateway: 'paystack', kind, outcome }, 'card payment started');
    await recordGatewayEvent(db, { source: 'paystack', kind, dedupeKey: `${kind}:${payment.id}`, paymentId: payment.id, answer, outcome });
  };
  const fail = async (message: string, code: string): Promise<CardInitiateResult> => {
    await settle(db, payment.id, { kind: 'not_paid', status: 'failed', code, message, via: 'Paystack' });
    return { ok: false, code: 'gateway', error: message, payment: (await loadPayment(db, payment.id)) ?? payment };
  };

  if (savedCard) {
    const charge = await deps.paystack.chargeAuthorization({
      email: savedCard.email,
      amountMinor: payment.amountMinor,
      authorizationCode: savedCard.authorizationCode,
      reference: payment.paystackReference!,
      metadata,
    });
    await record('paystack_charge_authorization', charge, charge.outcome);
    if (charge.outcome === 'success' || charge.outcome === 'failed') {
      const outcome = await settle(db, payment.id, (p) => transactionVerdict(charge.tx, p, 'Saved card charge'));
      const fresh = (await loadPayment(db, payment.id))!;
      if (outcome === 'completed') return { ok: true, payment: fresh, next: 'success' };
      if (fresh.status === 'failed') return { ok: false, code: 'gateway', error: fresh.failureReason ?? 'The card payment did not go through.', payment: fresh };
      return { ok: true, payment: fresh, next: 'status' };
    }
    if (charge.outcome === 'paused') return { ok: true, payment: await attachToGateway(db, payment.id, { checkoutUrl: charge.authorizationUrl }), next: 'redirect' };
    if (charge.outcome === 'pending' || charge.uncertain) return { ok: true, payment, next: 'status' };
    return fail('We could not charge your saved card. Please try again or use another card.', charge.code);
  }

  const init = await deps.paystack.initializeTransaction({
    email: opened.email,
    amountMinor: payment.amountMinor,
    reference: payment.paystackReference!,
    callbackUrl: deps.returnUrlFor(payment.id),
    metadata: { ...metadata, cancel_action: `${deps.returnUrlFor(payment.id)}?cancelled=1` },
    channels: ['card'],
  });
  await record('paystack_initialize', init, init.ok ? 'accepted' : init.code);
  if (!init.ok) return fail('We could not open the card checkout. Please try again in a moment.', init.code);
  return { ok: true, payment: await attachToGateway(db, payment.id, { checkoutUrl: init.authorizationUrl }), next: 'redirect' };
}

/** Verify for the sweep, the re-check and the return page: the answer, and what it means for this payment. */
export function cardCheck(paystack: Pick<PaystackClient, 'verifyTransaction'>): GatewayCheck {
  return async (payment) => {
    const verified = await paystack.verifyTransaction(payment.paystackReference ?? '');
    return {
      source: 'paystack',
      kind: 'paystack_verify',
      answer: verified,
      verdict: verified.ok ? transactionVerdict(verified.tx, payment, 'Paystack verify') : { kind: 'unknown', detail: verified.code, via: 'Paystack verify' },
    };
  };
}

/**
 * The holder came back from the hosted checkout (its callback, or its cancel link). Never trust the
 * query string (docs/paystack.md §4): ask Paystack ourselves, also about an attempt we had
 * closed (they may have gone back and paid). Left without paying and nothing final: cancelled, and
 * asked about again later (the checkout stays open).
 */
export async function returnFromCheckout(
  db: Db,
  paystack: Pick<PaystackClient, 'verifyTransaction'>,
  payment: Pick<Payment, 'id' | 'paystackReference'> & { status: PaymentStatus },
  opts: { cancelled: boolean },
): Promise<ApplyOutcome | 'cancelled' | null> {
  if (!(payment.status === 'pending' || isClosedUnpaid(payment.status)) || !payment.paystackReference) return null;
  const fresh = await loadPayment(db, payment.id);
  if (!fresh) return null;
  const { outcome } = await askAndApply(db, cardCheck(paystack), fresh, new Date());
  if (!opts.cancelled || outcome !== 'not_final') return outcome;
  const closed = await settle(db, payment.id, {
    kind: 'not_paid',
    status: 'cancelled',
    code: 'checkout_cancelled',
    message: 'You left the card checkout before paying.',
    via: 'Checkout cancel link',
    recheck: true,
  });
  return closed === 'cancelled' ? 'cancelled' : outcome;
}

/** A stored charge.success webhook (docs/paystack.md §10), applied once by the worker. */
export function applyChargeEvent(db: Db, eventId: number, job: { id?: number; requestId?: string }, t: ParsedTransaction): Promise<string> {
  return applyReceivedEvent(db, eventId, job, async (tx, event) => {
    if (!event.paymentId) return 'unknown_reference';
    return applyVerdict(tx, event.paymentId, (payment) => transactionVerdict(t, payment, 'Paystack webhook'));
  });
}
