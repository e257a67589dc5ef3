// Cards a holder kept for one-tap payments. Only Paystack's reusable authorization and display
// details are stored, never a card number; every query is scoped to its owner. A card is saved by
// the payment core when a charge it was asked to keep succeeds (core/saved-cards.ts).
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { savedCards } from '@/db/schema';
import { isUuid } from '@/lib/uuid';
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

/** How long "Undo" is offered after a card is removed. */
export const UNDO_REMOVE_MS = 10 * 60_000;

/** A card the viewer removed in the last few minutes (for the "Undo" line), or null. */
export async function recentlyRemovedCard(db: Queryable, viewer: Viewer, id: string, now = new Date()) {
  if (!isUuid(id)) return null;
  const [card] = await db.select().from(savedCards).where(and(eq(savedCards.id, id), eq(savedCards.userId, viewer.userId)));
  if (!card?.removedAt || now.getTime() - card.removedAt.getTime() > UNDO_REMOVE_MS) return null;
  return card;
}

/** "Undo": puts a just-removed card back, unless the same card has been saved again meanwhile. */
export async function restoreSavedCard(db: Queryable, viewer: Viewer, id: string, now = new Date()): Promise<boolean> {
  const card = await recentlyRemovedCard(db, viewer, id, now);
  if (!card) return false;
  const [again] = await db
    .select({ id: savedCards.id })
    .from(savedCards)
    .where(and(eq(savedCards.userId, viewer.userId), eq(savedCards.signature, card.signature), isNull(savedCards.removedAt)));
  if (again) return false;
  const rows = await db
    .update(savedCards)
    .set({ removedAt: null })
    .where(and(eq(savedCards.id, id), eq(savedCards.userId, viewer.userId)))
    .returning({ id: savedCards.id });
  return rows.length > 0;
}
