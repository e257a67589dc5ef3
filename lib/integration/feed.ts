// GET /api/v1/payments?since=<cursor>: payments and refunds changed after the cursor, in commit
// order (changes.ts explains why that is not updated_at or an id).
import type { Db } from '@/db/client';
import { changedSince, stampChanges } from './changes';
import type { ApiCaller } from './keys';
import { loadPaymentObjects, loadRefundObjects, type PaymentObject, type RefundObject } from './objects';

export type FeedItem = (PaymentObject | RefundObject) & { cursor: string };
export type Feed = { data: FeedItem[]; next_cursor: string; has_more: boolean };

export async function changesFeed(db: Db, caller: ApiCaller, since: number, limit = 100): Promise<Feed | null> {
  if (!caller.scopes.includes('payments:read')) return null;
  await stampChanges(db);
  const changed = await changedSince(db, since, limit);
  const [pays, refs] = await Promise.all([
    loadPaymentObjects(db, changed.filter((c) => c.entity === 'payment').map((c) => c.entityId)),
    loadRefundObjects(db, changed.filter((c) => c.entity === 'refund').map((c) => c.entityId)),
  ]);
  const data = changed.flatMap((c) => {
    const obj = c.entity === 'payment' ? pays.get(c.entityId) : refs.get(c.entityId);
    return obj ? [{ ...obj, cursor: String(c.seq) }] : [];
  });
  const last = changed.at(-1);
  return { data, next_cursor: String(last ? last.seq : since), has_more: changed.length === limit };
}
