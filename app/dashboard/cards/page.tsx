import type { Metadata } from 'next';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import { getDb } from '@/db/client';
import { requireHolder } from '@/lib/auth/session';
import { cardLabel } from '@/lib/payments/card/card-label';
import { listSavedCards, recentlyRemovedCard } from '@/lib/payments/saved-cards';
import { removeCardAction, undoRemoveCardAction } from './actions';

export const metadata: Metadata = { title: 'Saved cards' };

// ?confirm=<id>: "Remove this card?" asked first; ?removed=<id>: removed, with Undo.
const query = z.object({
  confirm: uuidField().optional().catch(undefined),
  removed: uuidField().optional().catch(undefined),
  restored: z.literal('1').optional().catch(undefined),
});

export default async function SavedCardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireHolder('/dashboard/cards');
  const q = query.parse(await searchParams);
  const db = await getDb();
  const [cards, removed] = await Promise.all([
    listSavedCards(db, viewer),
    q.removed ? recentlyRemovedCard(db, viewer, q.removed) : Promise.resolve(null),
  ]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Saved cards</h1>
      {removed && (
        <div role="status" data-testid="card-removed" className="flex flex-wrap items-center justify-between gap-2 rounded-xl bg-slate-100 px-4 py-3 text-sm">
          <p>{cardLabel(removed.brand, removed.last4)} removed.</p>
          <form action={undoRemoveCardAction}>
            <input type="hidden" name="cardId" value={removed.id} />
            <button className="btn-secondary min-h-11 px-4 text-sm">Undo</button>
          </form>
        </div>
      )}
      {q.restored && (
        <p role="status" className="rounded-xl bg-brand-50 px-4 py-3 text-sm text-brand-800">
          The card is back. You can pay with it in one tap again.
        </p>
      )}
      {cards.length === 0 ? (
        <p className="card text-slate-600">No saved cards. Tick &ldquo;Save this card&rdquo; when you pay by card to pay in one tap next time.</p>
      ) : (
        <ul className="space-y-2">
          {cards.map((c) => {
            const label = cardLabel(c.brand, c.last4);
            const asking = q.confirm === c.id;
            return (
              <li key={c.id} className="card space-y-3" data-testid="saved-card">
                <div className="flex items-center justify-between gap-3">
                  <div>
                    <p className="font-semibold">{label}</p>
                    <p className="text-sm text-slate-600">Expires {c.expMonth}/{c.expYear.slice(-2)}{c.bank ? ` · ${c.bank}` : ''}</p>
                  </div>
                  {!asking && (
                    // A link, not a button: removing is asked about first, and works without JavaScript.
                    <a href={`/dashboard/cards?confirm=${c.id}`} className="btn-secondary min-h-11 px-3 text-sm" aria-label={`Remove ${label}`}>
                      Remove
                    </a>
                  )}
                </div>
                {asking && (
                  <div role="alert" className="space-y-2 rounded-xl border border-amber-300 bg-amber-50 px-3 py-3 text-sm text-amber-950" data-testid="confirm-remove">
                    <p>Remove {label}? You would enter the card again on Paystack&apos;s page next time.</p>
                    <div className="grid grid-cols-2 gap-2">
                      <form action={removeCardAction}>
                        <input type="hidden" name="cardId" value={c.id} />
                        <button className="btn-primary min-h-11 w-full px-3 text-sm">Yes, remove it</button>
                      </form>
                      <a href="/dashboard/cards" className="btn-secondary min-h-11 px-3 text-sm">Keep it</a>
                    </div>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
