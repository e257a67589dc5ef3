// Cards (Paystack) as the payment core sees it: each wire message in, a verdict out. Pure: no
// database, no status writes (the core applies verdicts). Facts: docs/paystack.md.
import { toCardDetails, type ParsedTransaction } from '@/lib/gateways/paystack/schemas';
import { formatKes } from '@/lib/money';
import type { Verdict } from '../core/verdict';

export const CARD_MIN_MINOR = 300; // Paystack's KES minimum (docs/paystack.md §1)

export function cardAmountProblem(amountMinor: number): string | null {
  return Number.isSafeInteger(amountMinor) && amountMinor >= CARD_MIN_MINOR ? null : `Card payments start at ${formatKes(CARD_MIN_MINOR)}.`;
}

/**
 * What a transaction (webhook, verify, or a saved card's charge answer) says about a payment of
 * `expected`. Only `success` is money; `failed` closes the attempt but the checkout stays open for
 * another card, so it is asked about again; anything else (abandoned, ongoing…) is not final.
 */
export function transactionVerdict(t: ParsedTransaction, expected: { amountMinor: number; currency: string }, via: string): Verdict {
  if (t.status === 'success') {
    const problem = amountProblem(expected, t);
    if (problem) return { kind: 'mismatch', reason: problem, via };
    const card = toCardDetails(t.authorization);
    return {
      kind: 'paid',
      // What we asked for; `amount` can be higher when fees are passed on (docs/paystack.md §5).
      amountMinor: expected.amountMinor,
      currency: t.currency,
      receipt: null,
      via,
      ...(card ? { patch: { cardBrand: card.brand, cardLast4: card.last4 }, card: { ...card, email: t.customer.email ?? '' } } : {}),
    };
  }
  if (t.status === 'failed') {
    return { kind: 'not_paid', status: 'failed', code: 'card_failed', message: plainCardFailure(t.gateway_response), via, recheck: true };
  }
  return { kind: 'unknown', detail: t.status, via };
}

function amountProblem(expected: { amountMinor: number; currency: string }, t: ParsedTransaction): string | null {
  if (t.currency !== expected.currency) return `Paystack reported currency ${t.currency}, expected ${expected.currency}.`;
  const requested = t.requested_amount ?? t.amount;
  if (requested !== expected.amountMinor || t.amount < expected.amountMinor) {
    return `Paystack amount ${t.amount} (requested ${requested}) differs from ${expected.amountMinor}.`;
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
