// How long a holder waits on an M-Pesa payment, in one place for the pay form, the waiting page
// and the dashboard. Two clocks: the prompt on the phone (Safaricom drops it after about a minute,
// docs/daraja.md §6.2: 1037 "No response from user"), and how long the page keeps checking for us
// (extendable: WCAG 2.2.1), after which it says plainly what happens to late money.
import type { Payment } from '@/db/schema';
import { formatKes } from '@/lib/money';
import { maskPhoneLocal } from '@/lib/phone';

/** About how long the prompt stays on the phone. */
export const PROMPT_LIFETIME_MS = 60_000;
/** How long the waiting page keeps checking before it says "still waiting", unless extended. */
export const WATCH_MS = 5 * 60_000;
/** The longest one "Keep checking" may add, so a stale link cannot watch for ever. */
export const MAX_EXTENSION_MS = 10 * 60_000;
/** The warning before the page stops checking comes this long before it does. */
export const WARN_BEFORE_MS = 60_000;

export type WaitingClock = {
  /** Milliseconds (epoch) when the prompt lapses on the phone. */
  promptEndsAt: number;
  /** Milliseconds (epoch) when the page stops checking. */
  watchEndsAt: number;
};

/**
 * `until` is the page's `?until=` (epoch ms) from "Keep checking": honoured only within
 * MAX_EXTENSION_MS of now, and never shorter than the normal watch.
 */
export function waitingClock(p: Pick<Payment, 'createdAt'>, now: number, until?: number | null): WaitingClock {
  const started = p.createdAt.getTime();
  const normal = started + WATCH_MS;
  const extended = until && Number.isSafeInteger(until) ? Math.min(until, now + MAX_EXTENSION_MS) : 0;
  return { promptEndsAt: started + PROMPT_LIFETIME_MS, watchEndsAt: Math.max(normal, extended) };
}

/** "45 seconds", "about 4 minutes": what a person needs, not a stopwatch. */
export function describeTimeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s <= 0) return 'no time';
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  return `about ${m} minute${m === 1 ? '' : 's'}`;
}

/** One sentence naming a waiting payment: "KES 107.00 to 0712 •••678, started 10:04". */
export function describeWaitingPayment(p: Pick<Payment, 'amountMinor' | 'phone'>): { amount: string; phone: string } {
  return { amount: formatKes(p.amountMinor), phone: p.phone ? maskPhoneLocal(p.phone) : 'your phone' };
}
