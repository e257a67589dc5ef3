// SMS reminders: 7 days before the due date, on the due day, and 3 days overdue; once per stage
// (the sms_messages dedupe key), only between 08:00 and 20:00 Nairobi time, only for active
// policies of holders who have not turned them off, each with the installment's pay link.
import { and, asc, eq, gte, isNotNull, lte, ne, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { installments, policies, users } from '@/db/schema';
import { payLinkUrl } from '@/lib/holder-access/pay-link';
import { reminderSms, type SmsReminderStage } from '@/lib/holder-access/messages';
import { todayInNairobi } from '@/lib/nairobi-time';
import { smsLength } from './gsm7';
import { queueSms } from './outbox';
import { log } from '@/lib/log';

export const SMS_REMINDERS_JOB = 'sms.reminders';

/** Reminders go out from 08:00 up to 20:00 in Nairobi (UTC+3 all year). */
export function withinSendingHours(now: Date) {
  const hour = (now.getUTCHours() + 3) % 24;
  return hour >= 8 && hour < 20;
}

function addDays(isoDay: string, days: number) {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

function daysLate(dueDate: string, today: string) {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86400_000);
}

/**
 * The stage an installment is in today, or null. Each stage has a window, so a day the job could
 * not run (or quiet hours) delays a reminder instead of losing it; a later stage replaces an
 * earlier one that was never sent.
 */
export function smsReminderStage(dueDate: string, today: string): SmsReminderStage | null {
  const late = daysLate(dueDate, today);
  if (late >= -7 && late <= -1) return 'before';
  if (late >= 0 && late <= 2) return 'due';
  if (late >= 3 && late <= 14) return 'overdue';
  return null;
}

export function smsReminderKey(installmentId: string, stage: SmsReminderStage) {
  return `sms-reminder:${installmentId}:${stage}`;
}

/** The reminder text; the shortest wording that fits one GSM-7 part. */
export function reminderText(a: Parameters<typeof reminderSms>[0]) {
  const full = reminderSms(a);
  if (smsLength(full).parts === 1) return full;
  return reminderSms({ ...a, policyNumber: a.policyNumber.slice(-6) });
}

/** Queues the SMS reminders due now; returns how many were new. Outside sending hours: none. */
export async function queueSmsReminders(db: Queryable, opts: { origin: string; now?: Date; replyStop?: boolean; limit?: number }): Promise<number> {
  const now = opts.now ?? new Date();
  if (!withinSendingHours(now)) return 0;
  const today = todayInNairobi(now);
  const paid = sql<string>`coalesce((select -sum(l.amount_minor) from ledger_entries l where l.installment_id = ${installments.id} and l.kind in ('payment_received', 'refund')), 0)`;
  const rows = await db
    .select({
      installmentId: installments.id,
      dueDate: installments.dueDate,
      amountMinor: installments.amountMinor,
      paid,
      policyNumber: policies.number,
      userId: users.id,
      phone: users.phone,
    })
    .from(installments)
    .innerJoin(policies, eq(policies.id, installments.policyId))
    .innerJoin(users, eq(users.id, policies.holderId))
    .where(
      and(
        ne(installments.status, 'paid'),
        eq(policies.status, 'active'),
        eq(users.smsReminders, true),
        isNotNull(users.phone),
        gte(installments.dueDate, addDays(today, -14)),
        lte(installments.dueDate, addDays(today, 7)),
        sql`${paid} < ${installments.amountMinor}`,
      ),
    )
    .orderBy(asc(installments.dueDate), asc(installments.id))
    .limit(opts.limit ?? 500);
  let created = 0;
  for (const r of rows) {
    const stage = smsReminderStage(r.dueDate, today);
    if (!stage || !r.phone) continue;
    try {
      const body = reminderText({
        stage,
        amountMinor: r.amountMinor - Number(r.paid),
        policyNumber: r.policyNumber,
        dueDate: r.dueDate,
        payUrl: payLinkUrl(opts.origin, r.installmentId, r.dueDate),
        replyStop: !!opts.replyStop,
      });
      const q = await queueSms(db, { dedupeKey: smsReminderKey(r.installmentId, stage), userId: r.userId, toPhone: r.phone, kind: `reminder_${stage}`, body });
      if (q.created) created++;
    } catch (err) {
      // One bad row (e.g. a text that cannot fit one part) must not hold up everyone else's.
      log.error({ event: 'sms_reminder.skipped', installmentId: r.installmentId, stage, err }, 'SMS reminder skipped');
    }
  }
  return created;
}

/** A holder turns SMS reminders on or off for themselves (never through a pay-link session). */
export async function setSmsReminders(db: Queryable, viewer: { userId: string; role: string }, on: boolean) {
  if (viewer.role !== 'policyholder') return false;
  const updated = await db.update(users).set({ smsReminders: on }).where(eq(users.id, viewer.userId)).returning({ id: users.id });
  return updated.length === 1;
}

/** STOP sent to our two-way shortcode turns reminders off for that phone. */
export async function handleInboundSms(db: Queryable, form: URLSearchParams): Promise<'stopped' | 'ignored'> {
  const text = (form.get('text') ?? '').trim().toUpperCase();
  const from = (form.get('from') ?? '').replace(/^\+/, '');
  if (!/^254\d{9}$/.test(from) || !['STOP', 'STOPALL', 'UNSUBSCRIBE'].includes(text)) return 'ignored';
  await db.update(users).set({ smsReminders: false }).where(eq(users.phone, from));
  return 'stopped';
}
