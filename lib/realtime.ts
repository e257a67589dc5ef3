// Live payment status across instances: recording a status change NOTIFYs (a trigger on
// payment_status_changes, delivered at commit), and each instance keeps one LISTEN that fans out
// to its SSE streams.
import { getDatabase, type DatabaseHandle } from '@/db/client';
import type { PaymentStatus } from '@/db/schema';

export const PAYMENT_CHANNEL = 'payment_status';
export type PaymentStatusEvent = { id: string; status: PaymentStatus };
type Handler = (e: PaymentStatusEvent) => void;

/** One LISTEN per process, fanned out by payment id. */
export function createStatusHub(database: Promise<DatabaseHandle>) {
  const subs = new Map<string, Set<Handler>>();
  const ready = database.then((d) =>
    d.listen(PAYMENT_CHANNEL, (payload) => {
      let event: PaymentStatusEvent;
      try {
        event = JSON.parse(payload);
      } catch {
        return;
      }
      subs.get(event.id)?.forEach((fn) => fn(event));
    }),
  );
  return {
    ready,
    /** Calls `fn` whenever payment `id` changes status on any instance; returns the unsubscribe. */
    async subscribe(id: string, fn: Handler) {
      await ready;
      let set = subs.get(id);
      if (!set) subs.set(id, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) subs.delete(id);
      };
    },
    async close() {
      const unlisten = await ready;
      await unlisten();
      subs.clear();
    },
  };
}

const KEY = Symbol.for('malipo.realtime');
type G = typeof globalThis & { [KEY]?: ReturnType<typeof createStatusHub> };

export function subscribePaymentStatus(id: string, fn: Handler) {
  const g = globalThis as G;
  if (!g[KEY]) {
    g[KEY] = createStatusHub(getDatabase());
    g[KEY].ready.catch(() => delete g[KEY]);
  }
  return g[KEY].subscribe(id, fn);
}
