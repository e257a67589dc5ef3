import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { requireHolder } from '@/lib/auth/session';
import { cardLabel } from '@/lib/payments/card-label';
import { listSavedCards } from '@/lib/payments/saved-cards';
import { removeCardAction } from './actions';

export const metadata: Metadata = { title: 'Saved cards' };

export default async function SavedCardsPage() {
  const viewer = await requireHolder('/dashboard/cards');
  const cards = await listSavedCards(await getDb(), viewer);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Saved cards</h1>
      {cards.length === 0 ? (
        <p className="card text-slate-600">No saved cards. Tick &ldquo;Save this card&rdquo; when you pay by card to pay in one tap next time.</p>
      ) : (
        <ul className="space-y-2">
          {cards.map((c) => (
            <li key={c.id} className="card flex items-center justify-between gap-3" data-testid="saved-card">
              <div>
                <p className="font-semibold">{cardLabel(c.brand, c.last4)}</p>
                <p className="text-sm text-slate-600">Expires {c.expMonth}/{c.expYear.slice(-2)}{c.bank ? ` · ${c.bank}` : ''}</p>
              </div>
              <form action={removeCardAction}>
                <input type="hidden" name="cardId" value={c.id} />
                <button className="btn-secondary min-h-10 px-3 text-sm" aria-label={`Remove ${cardLabel(c.brand, c.last4)}`}>Remove</button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
