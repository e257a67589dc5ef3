// Keeping a card when a charge the holder asked to save succeeds: only Paystack's reusable
// authorization and display details, never a card number (see lib/payments/saved-cards.ts).
import type { Tx } from '@/db/client';
import { savedCards, type Payment } from '@/db/schema';
import type { CardDetails } from '@/lib/gateways/paystack/schemas';

export type ChargedCard = CardDetails & { email: string };

export async function saveCardFromCharge(tx: Tx, payment: Payment, card: ChargedCard) {
  if (!payment.saveCard || !card.reusable) return;
  await tx
    .insert(savedCards)
    .values({
      userId: payment.userId,
      authorizationCode: card.authorizationCode,
      signature: card.signature ?? card.authorizationCode,
      email: card.email,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      bank: card.bank,
    })
    .onConflictDoNothing();
}
