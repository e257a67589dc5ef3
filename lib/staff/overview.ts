// The staff overview's numbers, all in Nairobi time (EAT, UTC+3, no daylight saving).
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '@/db/client';
import { staffOverviewSnapshots } from '@/db/schema';
import { nairobiDayStart, todayInNairobi } from '@/lib/nairobi-time';
import type { Viewer } from '@/lib/viewer';
import { assertStaff } from './access';

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

const SNAPSHOT = 'staff-overview';
export const REFRESH_OVERVIEW_JOB = 'staff.refresh-overview';
/** How often the recurring job recomputes the slow figures. */
export const OVERVIEW_REFRESH_MS = 30_000;
/** Older than this (the job is not running), a read recomputes them itself. */
const MAX_SNAPSHOT_AGE_MS = 5 * 60_000;

/**
 * The staff overview. Everything that changes by the second is read live: today's collections
 * (an index range on completed_at), the queues. The slow figures (30-day rate and median, the
 * overdue list, commission, the closed days of this week and month) come from a snapshot that a
 * recurring job refreshes every 30 s on one instance; the page shows its age. Closed days never
 * change, so week = closed days + today is exact, not an estimate.
 */
export async function staffOverview(db: Queryable, viewer: Viewer, now = new Date()) {
  // Collections, queues and overdue holders: finance and support (an admin's console has no money).
  assertStaff(viewer, 'payments.view');
  const p = nairobiPeriods(now);
  const [snapshot, today, queues] = await Promise.all([currentSnapshot(db, p, now), collectedSince(db, p.dayStart), liveQueues(db, p)]);
  const add = (a: Split, b: Split): Split => ({ mpesa: a.mpesa + b.mpesa, card: a.card + b.card });
  const s = snapshot.figures;
  return {
    periods: p,
    asOf: snapshot.computedAt,
    collected: { today, week: add(s.closed.week, today), month: add(s.closed.month, today) },
    successRate: s.attempts30d.finished ? s.attempts30d.completed / s.attempts30d.finished : null,
    attempts30d: s.attempts30d,
    medianConfirmSeconds: s.medianConfirmSeconds,
    queues,
    daily: s.daily.map((d) => (d.day === p.today ? { day: d.day, ...today } : d)),
    overdue: s.overdue,
    commission: s.commission,
  };
}

type Split = { mpesa: number; card: number };
type Figures = Awaited<ReturnType<typeof computeSlowFigures>>;

/** Recomputes the slow figures and stores them (the recurring job, or a read that found them stale). */
export async function refreshStaffOverview(db: Queryable, now = new Date()) {
  const figures = await computeSlowFigures(db, nairobiPeriods(now));
  await db
    .insert(staffOverviewSnapshots)
    .values({ name: SNAPSHOT, computedAt: now, figures })
    .onConflictDoUpdate({ target: staffOverviewSnapshots.name, set: { computedAt: now, figures } });
  return { computedAt: now, figures };
}

async function currentSnapshot(db: Queryable, p: Periods, now: Date): Promise<{ computedAt: Date; figures: Figures }> {
  const [row] = await db.select().from(staffOverviewSnapshots).where(eq(staffOverviewSnapshots.name, SNAPSHOT));
  const figures = row?.figures as Figures | undefined;
  // A snapshot from another Nairobi day splits "closed days" and "today" differently: recompute.
  if (row && figures?.today === p.today && now.getTime() - row.computedAt.getTime() < MAX_SNAPSHOT_AGE_MS) return { computedAt: row.computedAt, figures };
  return refreshStaffOverview(db, now);
}

/** Completed amounts by method since `from` (payments_completed_at_idx). */
async function collectedSince(db: Queryable, from: Date, until?: Date): Promise<Split> {
  const rows = rowsOf<{ method: string; total: Num }>(
    await db.execute(sql`
      select method, sum(amount_minor) as total from payments
      where status = 'completed' and completed_at >= ${at(from)} ${until ? sql`and completed_at < ${at(until)}` : sql``}
      group by method`),
  );
  const of = (m: string) => n(rows.find((r) => r.method === m)?.total ?? 0);
  return { mpesa: of('mpesa'), card: of('card') };
}

async function liveQueues(db: Queryable, p: Periods) {
  const [q] = rowsOf<{ pending: Num; review: Num; flagged: Num; expired: Num; unallocated: Num }>(
    await db.execute(sql`
      select (select count(*) from payments where status = 'pending') as pending,
        (select count(*) from payments where status = 'review') as review,
        (select count(*) from payments where flagged) as flagged,
        (select count(*) from payments where status = 'expired' and created_at >= ${at(p.thirtyDaysAgo)}) as expired,
        (select count(*) from paybill_receipts where status in ('unallocated', 'review', 'allocation_requested')) as unallocated`),
  );
  return { pending: n(q.pending), review: n(q.review), flagged: n(q.flagged), expired30d: n(q.expired), paybillWaiting: n(q.unallocated) };
}

type Periods = ReturnType<typeof nairobiPeriods>;

async function computeSlowFigures(db: Queryable, p: Periods) {
  // Closed days only (before today's start): they cannot change any more.
  const [week, month] = await Promise.all([collectedSince(db, p.weekStart, p.dayStart), collectedSince(db, p.monthStart, p.dayStart)]);

  // Last 30 days of attempts (payments_created_idx): success rate, median time to confirm.
  const [attempts] = rowsOf<{ completed: Num; unpaid: Num; median_s: Num }>(
    await db.execute(sql`
      select count(*) filter (where status = 'completed') as completed,
        count(*) filter (where status in ('failed', 'cancelled', 'expired')) as unpaid,
        percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at))
          filter (where status = 'completed') as median_s
      from payments where created_at >= ${at(p.thirtyDaysAgo)}`),
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

  const completed = n(attempts.completed);
  const days = Array.from({ length: 30 }, (_, i) => todayInNairobi(new Date(p.thirtyDaysAgo.getTime() + i * DAY + 3600_000)));
  return {
    /** The Nairobi day these figures were computed on. */
    today: p.today,
    closed: { week, month },
    attempts30d: { completed, finished: completed + n(attempts.unpaid) },
    medianConfirmSeconds: attempts.median_s === null ? null : Number(attempts.median_s),
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
