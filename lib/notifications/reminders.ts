// Reminders about installments: once when one falls due within DUE_SOON_DAYS, once when it is
// overdue, and only while it is not fully paid. The outbox dedupe key is the "at most once".
import { and, asc, eq, lte, ne, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { installments, policies, users } from '@/db/schema';
import { addDays, todayInNairobi } from '@/lib/nairobi-time';
import { reminderEmail, type ReminderStage } from './messages';
import { queueMessage } from './outbox';
import { payLinkUrl } from '@/lib/holder-access/pay-link';
import { log } from '@/lib/log';

export const DUE_SOON_DAYS = 3;

export function reminderKey(installmentId: string, stage: ReminderStage) {
  return `reminder:${installmentId}:${stage}`;
}

export type ReminderCandidate = {
  installmentId: string;
  seq: number;
  dueDate: string;
  amountMinor: number;
  paidMinor: number;
  stage: ReminderStage;
  policyId: string;
  policyNumber: string;
  product: string;
  userId: string;
  email: string;
  name: string;
};

/** Installments that need a reminder now and have not had this stage's reminder yet. */
export async function findReminders(db: Queryable, now = new Date(), limit = 200): Promise<ReminderCandidate[]> {
  const today = todayInNairobi(now);
  const horizon = addDays(today, DUE_SOON_DAYS);
  // Paid so far, from the ledger (payments in, refunds out), through ledger_installment_idx.
  const paid = sql<string>`coalesce((select -sum(l.amount_minor) from ledger_entries l where l.installment_id = ${installments.id} and l.kind in ('payment_received', 'refund')), 0)`;
  const stage = sql<ReminderStage>`(case when ${installments.dueDate} < ${today}::date then 'overdue' else 'due_soon' end)`;
  const rows = await db
    .select({
      installmentId: installments.id,
      seq: installments.seq,
      dueDate: installments.dueDate,
      amountMinor: installments.amountMinor,
      paid,
      stage,
      policyId: policies.id,
      policyNumber: policies.number,
      product: policies.product,
      userId: users.id,
      email: users.email,
      name: users.name,
    })
    .from(installments)
    .innerJoin(policies, eq(policies.id, installments.policyId))
    .innerJoin(users, eq(users.id, policies.holderId))
    .where(
      and(
        // The status column is the cheap first cut; the ledger sum below is the truth.
        ne(installments.status, 'paid'),
        eq(policies.status, 'active'),
        lte(installments.dueDate, horizon),
        sql`${paid} < ${installments.amountMinor}`,
        sql`not exists (select 1 from outbox_messages o where o.dedupe_key = 'reminder:' || ${installments.id}::text || ':' || ${stage})`,
      ),
    )
    .orderBy(asc(installments.dueDate), asc(installments.id))
    .limit(limit);
  return rows.map(({ paid: p, ...r }) => ({ ...r, paidMinor: Number(p) }));
}

/** Writes the reminders that are due into the outbox; returns how many were new. */
export async function queueReminders(db: Queryable, origin: string, now = new Date(), limit = 200): Promise<number> {
  let created = 0;
  for (const c of await findReminders(db, now, limit)) {
    // One bad row must not hold up everyone else's reminders (nor fail the whole job forever).
    try {
      if (await queueReminder(db, origin, c)) created++;
    } catch (err) {
      log.error({ event: 'reminder.skipped', installmentId: c.installmentId, stage: c.stage, err }, 'reminder skipped');
    }
  }
  return created;
}

async function queueReminder(db: Queryable, origin: string, c: ReminderCandidate): Promise<boolean> {
  const email = reminderEmail({
    name: c.name,
    stage: c.stage,
    seq: c.seq,
    dueDate: c.dueDate,
    amountDueMinor: c.amountMinor - c.paidMinor,
    partlyPaid: c.paidMinor > 0,
    product: c.product,
    policyNumber: c.policyNumber,
    // The installment's pay link: opens its pay page without a password (lib/holder-access/pay-link.ts).
    payUrl: payLinkUrl(origin, c.installmentId, c.dueDate),
  });
  const r = await queueMessage(db, {
    dedupeKey: reminderKey(c.installmentId, c.stage),
    userId: c.userId,
    toEmail: c.email,
    kind: `reminder_${c.stage}`,
    subject: email.subject,
    textBody: email.text,
  });
  return r.created;
}
