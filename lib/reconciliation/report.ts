// The day's figures per channel: what the statement says (gross in, fees, net), what the ledger
// booked for the same money (payment_received lines of the matched payments and allocations, fee
// lines on the 'fees' account), the position (running net of every earlier day), counts and breaks.
import { and, asc, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { reconBreaks, reconDays, reconLines, type ReconChannel, type ReconDay } from '@/db/reconciliation-schema';
import { rowsOf } from '@/db/client';
import { minorToDecimal } from '@/lib/money';

export type DayFigures = {
  day: string;
  channel: ReconChannel;
  status: ReconDay['status'];
  openingMinor: number;
  closingMinor: number;
  statement: { grossMinor: number; feesMinor: number; netMinor: number; moneyOutMinor: number; lines: number; moneyIn: number };
  ledger: { grossMinor: number; feesMinor: number; netMinor: number };
  /** The statement's own running balance at its last line that day (M-Pesa), when it has one. */
  statementBalanceMinor: number | null;
  breaks: { open: number; resolved: number };
  closedAt: string | null;
};

const n = (v: unknown) => Number(v ?? 0);

export async function dayFigures(db: Queryable, day: string, channel: ReconChannel): Promise<DayFigures> {
  const [d] = await db.select().from(reconDays).where(and(eq(reconDays.day, day), eq(reconDays.channel, channel)));
  if (d?.status === 'closed' && d.figures) return d.figures as DayFigures;
  const [s] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select
        coalesce(sum(gross_minor) filter (where kind = 'money_in'), 0) as gross,
        coalesce(sum(fee_minor) filter (where kind = 'money_in'), 0) + coalesce(sum(gross_minor + fee_minor) filter (where kind = 'charge'), 0) as fees,
        coalesce(sum(gross_minor) filter (where kind = 'money_out'), 0) as out,
        count(*) as lines,
        count(*) filter (where kind = 'money_in') as money_in
      from recon_lines where channel = ${channel} and day = ${day}`),
  );
  const [prior] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select coalesce(sum(case when kind = 'money_in' then gross_minor - fee_minor when kind = 'charge' then -(gross_minor + fee_minor) when kind = 'money_out' then -gross_minor else 0 end), 0) as net
      from recon_lines where channel = ${channel} and day < ${day}`),
  );
  // The ledger side: what was booked for the money on this day's lines (payments and allocations).
  const [l] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with linked as (
        select distinct payment_id, movement_id from recon_lines
        where channel = ${channel} and day = ${day} and kind in ('money_in', 'charge') and result in ('matched', 'completed_late', 'fee_booked')
        union
        select distinct null::uuid, movement_id from recon_breaks where channel = ${channel} and day = ${day} and resolution = 'allocated'
      )
      select
        coalesce(-sum(e.amount_minor) filter (where e.kind = 'payment_received' and e.account = 'holder'), 0) as gross,
        coalesce(sum(e.amount_minor) filter (where e.account = 'fees'), 0) as fees
      from ledger_entries e
      where (e.payment_id in (select payment_id from linked where payment_id is not null) and e.movement_id is null)
         or e.movement_id in (select movement_id from linked where movement_id is not null)`),
  );
  const [lastBalance] = await db
    .select({ balance: reconLines.balanceMinor })
    .from(reconLines)
    .where(and(eq(reconLines.channel, channel), eq(reconLines.day, day), sql`${reconLines.balanceMinor} is not null`))
    .orderBy(desc(reconLines.occurredAt))
    .limit(1);
  const [b] = await db
    .select({ open: sql<string>`count(*) filter (where ${reconBreaks.status} <> 'resolved')`, resolved: sql<string>`count(*) filter (where ${reconBreaks.status} = 'resolved')` })
    .from(reconBreaks)
    .where(and(eq(reconBreaks.channel, channel), eq(reconBreaks.day, day)));
  const gross = n(s.gross);
  const fees = n(s.fees);
  const out = n(s.out);
  const opening = n(prior.net);
  return {
    day,
    channel,
    status: d?.status ?? 'open',
    openingMinor: opening,
    closingMinor: opening + gross - fees - out,
    statement: { grossMinor: gross, feesMinor: fees, netMinor: gross - fees, moneyOutMinor: out, lines: n(s.lines), moneyIn: n(s.money_in) },
    ledger: { grossMinor: n(l.gross), feesMinor: n(l.fees), netMinor: n(l.gross) - n(l.fees) },
    statementBalanceMinor: lastBalance?.balance ?? null,
    breaks: { open: n(b.open), resolved: n(b.resolved) },
    closedAt: d?.closedAt?.toISOString() ?? null,
  };
}

/** Every reconciliation day (newest first) with its figures. */
export async function reportDays(db: Queryable, opts: { from?: string; to?: string; limit?: number } = {}): Promise<DayFigures[]> {
  const days = await db
    .select({ day: reconDays.day, channel: reconDays.channel })
    .from(reconDays)
    .where(and(opts.from ? gte(reconDays.day, opts.from) : undefined, opts.to ? lte(reconDays.day, opts.to) : undefined))
    .orderBy(desc(reconDays.day), asc(reconDays.channel))
    .limit(opts.limit ?? 62);
  const out: DayFigures[] = [];
  for (const d of days) out.push(await dayFigures(db, d.day, d.channel));
  return out;
}

export const REPORT_CSV_HEADER = ['day', 'channel', 'status', 'opening_kes', 'gross_kes', 'fees_kes', 'net_kes', 'money_out_kes', 'closing_kes', 'ledger_gross_kes', 'ledger_fees_kes', 'ledger_net_kes', 'lines', 'money_in_lines', 'breaks_open', 'breaks_resolved'];

const kes = minorToDecimal;

export function reportCsvRow(f: DayFigures): (string | number)[] {
  return [f.day, f.channel, f.status, kes(f.openingMinor), kes(f.statement.grossMinor), kes(f.statement.feesMinor), kes(f.statement.netMinor), kes(f.statement.moneyOutMinor), kes(f.closingMinor), kes(f.ledger.grossMinor), kes(f.ledger.feesMinor), kes(f.ledger.netMinor), f.statement.lines, f.statement.moneyIn, f.breaks.open, f.breaks.resolved];
}

/** The overview chart's points: statement net per channel and open breaks, oldest first. */
export async function reconChartPoints(db: Queryable, days = 30): Promise<{ day: string; mpesa: number; card: number; open: number }[]> {
  const figures = await reportDays(db, { limit: days * 2 });
  const byDay = new Map<string, { day: string; mpesa: number; card: number; open: number }>();
  for (const f of figures) {
    const p = byDay.get(f.day) ?? { day: f.day, mpesa: 0, card: 0, open: 0 };
    p[f.channel] += f.statement.netMinor;
    p.open += f.breaks.open;
    byDay.set(f.day, p);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)).slice(-days);
}
