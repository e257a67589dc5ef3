// Live payment status across instances: the transaction that changes a status NOTIFYs
// (delivered at commit), and each instance keeps one LISTEN that fans out to its SSE streams.
import { sql } from 'drizzle-orm';
import { getDatabase, type Queryable } from '@/db/client';
import type { PaymentStatus } from '@/db/schema';

export const PAYMENT_CHANNEL = 'payment_status';
export type PaymentStatusEvent = { id: string; status: PaymentStatus };

export async function publishPaymentStatus(tx: Queryable, event: PaymentStatusEvent) {
  await tx.execute(sql`select pg_notify(${PAYMENT_CHANNEL}, ${JSON.stringify(event)})`);
}

type Subscribers = Map<string, Set<(e: PaymentStatusEvent) => void>>;
const KEY = Symbol.for('malipo.realtime');
type G = typeof globalThis & { [KEY]?: { subs: Subscribers; ready: Promise<void> } };

function hub() {
  const g = globalThis as G;
  if (!g[KEY]) {
    const subs: Subscribers = new Map();
    const ready = (async () => {
      const database = await getDatabase();
      await database.listen(PAYMENT_CHANNEL, (payload) => {
        let event: PaymentStatusEvent;
        try {
          event = JSON.parse(payload);
        } catch {
          return;
        }
        subs.get(event.id)?.forEach((fn) => fn(event));
      });
    })();
    ready.catch(() => delete g[KEY]);
    g[KEY] = { subs, ready };
  }
  return g[KEY];
}

/** Calls `fn` whenever payment `id` changes status on any instance; returns the unsubscribe. */
export async function subscribePaymentStatus(id: string, fn: (e: PaymentStatusEvent) => void) {
  const h = hub();
  await h.ready;
  let set = h.subs.get(id);
  if (!set) h.subs.set(id, (set = new Set()));
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0) h.subs.delete(id);
  };
}
