// The close's recurring jobs: read Paystack's settlements every morning, and email finance the
// reconciliation report (yesterday per channel, and every break still open) each morning through
// the outbox, like every other email.
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import { reconBreaks } from '@/db/reconciliation-schema';
import { users } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import type { JobHandler } from '@/lib/jobs/worker';
import { formatKes } from '@/lib/money';
import { addDays, nairobiDayStart, todayInNairobi } from '@/lib/nairobi-time';
import { NOTIFY_DELIVER_JOB } from '@/lib/notifications/jobs';
import { queueMessage } from '@/lib/notifications/outbox';
import type { PaystackClient } from '@/lib/gateways/paystack/client';
import { PAYSTACK_SETTLEMENTS_JOB, fetchPaystackSettlements } from './paystack-settlements';
import { dayFigures, type DayFigures } from './report';
import { RECON_CHANNELS } from '@/db/reconciliation-schema';

export { PAYSTACK_SETTLEMENTS_JOB };
export const RECON_REPORT_JOB = 'recon.morning-report';
/** Nairobi hours the jobs run at: settlements first, the report after. */
export const SETTLEMENTS_HOUR = 5;
export const REPORT_HOUR = 6;

/** The next time it is `hour`:00 in Nairobi after `now`. */
export function nextNairobiHour(hour: number, now = new Date()): Date {
  const today = todayInNairobi(now);
  const at = new Date(nairobiDayStart(today).getTime() + hour * 3600_000);
  return at.getTime() > now.getTime() ? at : new Date(nairobiDayStart(addDays(today, 1)).getTime() + hour * 3600_000);
}

export async function scheduleReconJobs(db: Queryable, now = new Date()) {
  await enqueueJob(db, { kind: PAYSTACK_SETTLEMENTS_JOB, key: PAYSTACK_SETTLEMENTS_JOB, runAt: nextNairobiHour(SETTLEMENTS_HOUR, now) });
  await enqueueJob(db, { kind: RECON_REPORT_JOB, key: RECON_REPORT_JOB, runAt: nextNairobiHour(REPORT_HOUR, now) });
}

const CHANNEL = { mpesa: 'M-Pesa', card: 'Card (Paystack)' } as const;

export function reportText(day: string, figures: DayFigures[], openBreaks: { day: string; channel: string; summary: string }[], origin: string): string {
  const lines = [`Cash reconciliation for ${day} (Nairobi).`, ''];
  for (const f of figures) {
    lines.push(
      `${CHANNEL[f.channel]} — ${f.status === 'closed' ? 'closed' : 'open'}`,
      `  Opening ${formatKes(f.openingMinor)} · closing ${formatKes(f.closingMinor)}`,
      `  Statement: gross ${formatKes(f.statement.grossMinor)}, fees ${formatKes(f.statement.feesMinor)}, net ${formatKes(f.statement.netMinor)} (${f.statement.moneyIn} payments, ${f.statement.lines} lines)`,
      `  Ledger:    gross ${formatKes(f.ledger.grossMinor)}, fees ${formatKes(f.ledger.feesMinor)}, net ${formatKes(f.ledger.netMinor)}`,
      `  Breaks: ${f.breaks.open} open, ${f.breaks.resolved} resolved`,
      '',
    );
  }
  if (figures.length === 0) lines.push('No statement has been imported for this day yet: upload the M-Pesa statement.', '');
  lines.push(openBreaks.length ? `${openBreaks.length} break(s) open on any day:` : 'No breaks are open.');
  for (const b of openBreaks.slice(0, 20)) lines.push(`  ${b.day} ${CHANNEL[b.channel as keyof typeof CHANNEL] ?? b.channel}: ${b.summary}`);
  lines.push('', `Open the day: ${origin}/staff/reconciliation/${day}`);
  return lines.join('\n');
}

/** Writes the morning report for `day` to every active finance member's outbox (once per day each). */
export async function queueMorningReport(db: Db, day: string, origin: string): Promise<number> {
  const figures: DayFigures[] = [];
  for (const channel of RECON_CHANNELS) {
    const f = await dayFigures(db, day, channel);
    if (f.statement.lines > 0 || f.status === 'closed' || f.breaks.open + f.breaks.resolved > 0) figures.push(f);
  }
  const open = await db.select({ day: reconBreaks.day, channel: reconBreaks.channel, summary: reconBreaks.summary }).from(reconBreaks).where(ne(reconBreaks.status, 'resolved')).orderBy(reconBreaks.day).limit(50);
  const text = reportText(day, figures, open, origin);
  const finance = await db.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.role, 'finance'), isNull(users.deactivatedAt)));
  for (const u of finance) {
    const m = await queueMessage(db, { dedupeKey: `recon-report:${day}:${u.id}`, userId: u.id, toEmail: u.email, kind: 'recon_report', subject: `Cash reconciliation ${day}: ${open.length} break(s) open`, textBody: text });
    if (m.created) await enqueueJob(db, { kind: NOTIFY_DELIVER_JOB, key: `${NOTIFY_DELIVER_JOB}:${m.id}`, payload: { messageId: m.id } });
  }
  return finance.length;
}

export function reconJobHandlers(deps: { paystack: () => Pick<PaystackClient, 'listSettlements' | 'settlementTransactions'>; origin: () => string }): Record<string, JobHandler> {
  return {
    [PAYSTACK_SETTLEMENTS_JOB]: async (db) => {
      const r = await fetchPaystackSettlements(db, deps.paystack());
      // A failed read is retried by the worker's backoff; a good one waits for tomorrow.
      if (!r.ok) throw new Error(r.error);
      return { done: false, retryAt: nextNairobiHour(SETTLEMENTS_HOUR) };
    },
    [RECON_REPORT_JOB]: async (db) => {
      await queueMorningReport(db, addDays(todayInNairobi(), -1), deps.origin());
      return { done: false, retryAt: nextNairobiHour(REPORT_HOUR) };
    },
  };
}
