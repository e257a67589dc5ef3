// The staff overview's numbers, all in Nairobi time (EAT, UTC+3, no daylight saving).
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '@/db/client';
import { todayInNairobi } from '@/lib/policies';
import type { Viewer } from '@/lib/viewer';
import { assertStaff } from './access';
import { nairobiDayStart } from './filters';

const DAY = 86_400_000;
/** Instants as ISO text: postgres.js cannot bind a Date inside raw sql. */
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Starts of today, this week (Monday) and this month in Nairobi, as instants. */
export function nairobiPeriods(now = new Date()) {
  const today = todayInNairobi(now);
  const dayStart = nairobiDayStart(today);
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return {
    today,
    dayStart,
    weekStart: new Date(dayStart.getTime() - weekday * DAY),
    monthStart: nairobiDayStart(`${today.slice(0, 8)}01`),
    thirtyDaysAgo: new Date(dayStart.getTime() - 29 * DAY),
  };
}

type Num = string | number | null;
const n = (v: Num) => Number(v ?? 0);

export async function staffOverview(db: Queryable, viewer: Viewer, now = new Date()) {
  assertStaff(viewer);
  const p = nairobiPeriods(now);
  const since = new Date(Math.min(p.weekStart.getTime(), p.monthStart.getTime()));

  // Served by payments_status_created_idx (status = 'completed'). An index on completed_at would
  // bound it to the month; the schema has none, so this reads every completed payment's entry.
  const collected = rowsOf<{ method: string; today: Num; week: Num; month: Num }>(
    await db.execute(sql`
      select method,
        coalesce(sum(amount_minor) filter (where completed_at >= ${at(p.dayStart)}), 0) as today,
        coalesce(sum(amount_minor) filter (where completed_at >= ${at(p.weekStart)}), 0) as week,
        coalesce(sum(amount_minor) filter (where completed_at >= ${at(p.monthStart)}), 0) as month
      from payments where status = 'completed' and completed_at >= ${at(since)}
      group by method`),
  );

  // Last 30 days of attempts (payments_created_idx): success rate, median time to confirm.
  const [attempts] = rowsOf<{ completed: Num; unpaid: Num; median_s: Num }>(
    await db.execute(sql`
      select count(*) filter (where status = 'completed') as completed,
        count(*) filter (where status in ('failed', 'cancelled', 'expired')) as unpaid,
        percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at))
          filter (where status = 'completed') as median_s
      from payments where created_at >= ${at(p.thirtyDaysAgo)}`),
  );

  const [queues] = rowsOf<{ pending: Num; review: Num; flagged: Num; expired: Num }>(
    await db.execute(sql`
      select (select count(*) from payments where status = 'pending') as pending,
        (select count(*) from payments where status = 'review') as review,
        (select count(*) from payments where flagged) as flagged,
        (select count(*) from payments where status = 'expired' and created_at >= ${at(p.thirtyDaysAgo)}) as expired`),
  );

  const daily = rowsOf<{ day: string; method: string; total: Num }>(
    await db.execute(sql`
      select to_char((completed_at at time zone 'UTC') + interval '3 hours', 'YYYY-MM-DD') as day, method, sum(amount_minor) as total
      from payments where status = 'completed' and completed_at >= ${at(p.thirtyDaysAgo)}
      group by 1, 2 order by 1`),
  );

  const overdue = rowsOf<{ policy_id: string; number: string; product: string; name: string; phone: string | null; email: string; overdue: Num; oldest_due: string; installments: Num }>(
    await db.execute(sql`
      select p.id as policy_id, p.number, p.product, u.name, u.phone, u.email,
        sum(i.amount_minor - coalesce(paid.minor, 0)) as overdue, min(i.due_date)::text as oldest_due, count(*) as installments
      from installments i
      join policies p on p.id = i.policy_id and p.status = 'active'
      join users u on u.id = p.holder_id
      left join lateral (
        select -sum(l.amount_minor) as minor from ledger_entries l
        where l.installment_id = i.id and l.kind in ('payment_received', 'refund')
      ) paid on true
      where i.status <> 'paid' and i.due_date < ${p.today}::date
      group by p.id, u.id
      order by min(i.due_date), p.number
      limit 200`),
  );

  // Served by ledger_agent_idx (partial, account = 'agent').
  const commission = rowsOf<{ agent_id: string; name: string; email: string; phone: string | null; owed: Num; lines: Num }>(
    await db.execute(sql`
      select a.id as agent_id, a.name, a.email, a.phone, sum(l.amount_minor) as owed, count(*) as lines
      from ledger_entries l join agents a on a.id = l.agent_id
      where l.account = 'agent'
      group by a.id order by sum(l.amount_minor) desc`),
  );

  const byMethod = (m: 'mpesa' | 'card') => collected.find((c) => c.method === m);
  const period = (k: 'today' | 'week' | 'month') => ({ mpesa: n(byMethod('mpesa')?.[k] ?? 0), card: n(byMethod('card')?.[k] ?? 0) });
  const completed = n(attempts.completed);
  const finished = completed + n(attempts.unpaid);
  const days = Array.from({ length: 30 }, (_, i) => todayInNairobi(new Date(p.thirtyDaysAgo.getTime() + i * DAY + 3600_000)));
  return {
    periods: p,
    collected: { today: period('today'), week: period('week'), month: period('month') },
    successRate: finished ? completed / finished : null,
    attempts30d: { completed, finished },
    medianConfirmSeconds: attempts.median_s === null ? null : Number(attempts.median_s),
    queues: { pending: n(queues.pending), review: n(queues.review), flagged: n(queues.flagged), expired30d: n(queues.expired) },
    daily: days.map((day) => ({
      day,
      mpesa: n(daily.find((d) => d.day === day && d.method === 'mpesa')?.total ?? 0),
      card: n(daily.find((d) => d.day === day && d.method === 'card')?.total ?? 0),
    })),
    overdue: overdue.map((o) => ({ ...o, overdue: n(o.overdue), installments: n(o.installments) })),
    commission: commission.map((c) => ({ ...c, owed: n(c.owed), lines: n(c.lines) })),
  };
}

export type StaffOverview = Awaited<ReturnType<typeof staffOverview>>;
