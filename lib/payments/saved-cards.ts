// Cards a holder kept for one-tap payments. Only Paystack's reusable authorization and display
// details are stored, never a card number; every query is scoped to its owner.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '@/db/client';
import { savedCards, type Payment } from '@/db/schema';
import type { CardDetails } from '@/lib/gateways/paystack/schemas';
import { isUuid } from '@/lib/policies';
import { isScoped, type Viewer } from '@/lib/viewer';

/** The holder's cards; a pay-link / guest session (anyone holding the link) sees and uses none. */
function ownCards(viewer: Viewer) {
  return isScoped(viewer) ? sql`false` : eq(savedCards.userId, viewer.userId);
}

export async function listSavedCards(db: Queryable, viewer: Viewer) {
  return db
    .select()
    .from(savedCards)
    .where(and(ownCards(viewer), isNull(savedCards.removedAt)))
    .orderBy(desc(savedCards.createdAt));
}

export async function getSavedCard(db: Queryable, viewer: Viewer, id: string) {
  if (!isUuid(id)) return null;
  const [card] = await db
    .select()
    .from(savedCards)
    .where(and(eq(savedCards.id, id), ownCards(viewer), isNull(savedCards.removedAt)));
  return card ?? null;
}

export async function removeSavedCard(db: Queryable, viewer: Viewer, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .update(savedCards)
    .set({ removedAt: new Date() })
    .where(and(eq(savedCards.id, id), ownCards(viewer), isNull(savedCards.removedAt)))
    .returning({ id: savedCards.id });
  return rows.length > 0;
}

/** Keeps the card of a successful charge when the holder asked and Paystack allows reuse. */
export async function saveCardFromCharge(tx: Tx, payment: Payment, card: CardDetails, email: string) {
  if (!payment.saveCard || !card.reusable) return;
  await tx
    .insert(savedCards)
    .values({
      userId: payment.userId,
      authorizationCode: card.authorizationCode,
      signature: card.signature ?? card.authorizationCode,
      email,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      bank: card.bank,
    })
    .onConflictDoNothing();
}
