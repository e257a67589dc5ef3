// Premium standing in plain words: what is paid and when it was due, and for life products the
// grace period. It never says whether the holder is covered; the insurer decides that.
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { products, type Policy } from '@/db/schema';
import { formatDate } from '@/lib/format';

export type Standing = { tone: 'ok' | 'warn' | 'bad' | 'neutral'; text: string };

function addDays(isoDay: string, days: number) {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

export function premiumStanding(a: {
  status: Policy['status'];
  productClass: 'life' | 'general' | null;
  graceDays: number | null;
  /** Due date of the oldest installment not fully paid, or null. */
  oldestUnpaidDue: string | null;
  today: string;
}): Standing {
  if (a.status !== 'active') return { tone: 'neutral', text: `This policy is ${a.status}; it takes no payments.` };
  if (!a.oldestUnpaidDue || a.oldestUnpaidDue >= a.today) return { tone: 'ok', text: 'Premiums are up to date.' };
  const since = formatDate(a.oldestUnpaidDue);
  if (a.productClass === 'life' && a.graceDays !== null) {
    const end = addDays(a.oldestUnpaidDue, a.graceDays);
    return a.today <= end
      ? { tone: 'warn', text: `An installment is overdue since ${since}. The ${a.graceDays}-day grace period runs until ${formatDate(end)}.` }
      : { tone: 'bad', text: `An installment is overdue since ${since}, past the ${a.graceDays}-day grace period (it ended ${formatDate(end)}).` };
  }
  return { tone: 'bad', text: `An installment is overdue since ${since}. General insurance is cash and carry: there is no grace period.` };
}

/** The standing of one policy given its schedule (as policySchedule returns it). */
export async function standingOf(db: Queryable, policy: Policy, schedule: { dueDate: string; leftMinor: number }[], today: string): Promise<Standing> {
  const [product] = policy.productId ? await db.select().from(products).where(eq(products.id, policy.productId)) : [];
  const oldest = schedule.filter((i) => i.leftMinor > 0).map((i) => i.dueDate).sort()[0] ?? null;
  return premiumStanding({ status: policy.status, productClass: product?.class ?? null, graceDays: product?.graceDays ?? null, oldestUnpaidDue: oldest, today });
}

export const STANDING_CLASS: Record<Standing['tone'], string> = {
  ok: 'bg-brand-50 text-brand-800',
  warn: 'bg-amber-50 text-amber-900',
  bad: 'bg-red-50 text-red-800',
  neutral: 'bg-slate-100 text-slate-700',
};
