// Every SMS is written to sms_messages first (one row per dedupe key: a reminder stage happens at
// most once however often a job runs), then a job hands it to Africa's Talking. The gateway's
// answer and later delivery reports update the row; a message that fails falls back to email.
import { and, desc, eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { smsDeliveryReports, smsMessages, users, type SmsMessage } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import { queueMessage } from '@/lib/notifications/outbox';
import type { SmsSender } from './africastalking';
import { assertOneGsm7Part } from './gsm7';
import { metrics } from '@/lib/metrics';

export const SMS_SEND_JOB = 'sms.send';
export const HOLDER_EMAIL_JOB = 'holder.email';

export type NewSms = { dedupeKey: string; userId: string | null; toPhone: string; kind: string; body: string };

/** Stores an SMS (once per dedupe key) and queues its sending. Refuses anything but one GSM-7 part. */
export async function queueSms(db: Queryable, m: NewSms, opts: { priority?: number } = {}): Promise<{ id: string; created: boolean }> {
  assertOneGsm7Part(m.body);
  const inserted = await db.insert(smsMessages).values(m).onConflictDoNothing({ target: smsMessages.dedupeKey }).returning({ id: smsMessages.id });
  if (!inserted.length) {
    const [existing] = await db.select({ id: smsMessages.id }).from(smsMessages).where(eq(smsMessages.dedupeKey, m.dedupeKey));
    return { id: existing.id, created: false };
  }
  const id = inserted[0].id;
  await enqueueJob(db, { kind: SMS_SEND_JOB, key: `${SMS_SEND_JOB}:${id}`, payload: { smsId: id }, priority: opts.priority ?? 0 });
  return { id, created: true };
}

/** Queues an email and a job that sends it now (codes and SMS fall-backs cannot wait for a sweep). */
export async function queueHolderEmail(db: Queryable, m: Parameters<typeof queueMessage>[1], priority = 0) {
  const r = await queueMessage(db, m);
  if (r.created) await enqueueJob(db, { kind: HOLDER_EMAIL_JOB, key: `${HOLDER_EMAIL_JOB}:${r.id}`, payload: { messageId: r.id }, priority });
  return r;
}

const SUBJECTS: Record<string, string> = {
  code: 'Your sign-in code',
};

/** A failed SMS goes out by email instead when the holder has an address. Once per SMS. */
export async function fallBackToEmail(db: Queryable, sms: SmsMessage): Promise<string | null> {
  if (!sms.userId || sms.fallbackEmailId) return sms.fallbackEmailId;
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, sms.userId));
  if (!user?.email) return null;
  const { id } = await queueHolderEmail(
    db,
    {
      dedupeKey: `sms-fallback:${sms.id}`,
      userId: sms.userId,
      toEmail: user.email,
      kind: `sms_fallback_${sms.kind}`,
      subject: SUBJECTS[sms.kind] ?? 'A message about your policy',
      textBody: `${sms.body}\n\n(We could not reach your phone by SMS, so we sent this by email.)`,
    },
    5,
  );
  await db.update(smsMessages).set({ fallbackEmailId: id }).where(eq(smsMessages.id, sms.id));
  return id;
}

export type SmsDelivery = { outcome: 'sent' | 'failed' | 'already' | 'missing' } | { outcome: 'retry'; error: string };

/** Hands one queued SMS to the gateway. Never sends twice: the row is claimed first. */
export async function sendSms(db: Queryable, sender: SmsSender, id: string, opts: { redactCodes?: boolean } = {}): Promise<SmsDelivery> {
  const [claimed] = await db
    .update(smsMessages)
    .set({ status: 'sending' })
    .where(and(eq(smsMessages.id, id), eq(smsMessages.status, 'queued')))
    .returning();
  if (!claimed) {
    const [row] = await db.select({ id: smsMessages.id }).from(smsMessages).where(eq(smsMessages.id, id));
    return { outcome: row ? 'already' : 'missing' };
  }
  const outcome = await sender.send(claimed.toPhone, claimed.body);
  if (outcome.kind === 'retry') {
    await db.update(smsMessages).set({ status: 'queued', failureReason: outcome.error }).where(eq(smsMessages.id, id));
    metrics.notifications.inc({ channel: 'sms', outcome: 'retry' });
    return { outcome: 'retry', error: outcome.error };
  }
  if (outcome.kind === 'rejected') {
    const [failed] = await db
      .update(smsMessages)
      .set({ status: 'failed', providerStatus: outcome.status, failureReason: `${outcome.statusCode} ${outcome.status}`, sentAt: new Date() })
      .where(eq(smsMessages.id, id))
      .returning();
    await fallBackToEmail(db, failed);
    metrics.notifications.inc({ channel: 'sms', outcome: 'failed' });
    return { outcome: 'failed' };
  }
  await db
    .update(smsMessages)
    .set({
      status: 'sent',
      providerMessageId: outcome.messageId,
      providerStatus: outcome.status,
      cost: outcome.cost,
      failureReason: null,
      sentAt: new Date(),
      // A code must not sit readable in our database once the phone has it (real gateway only:
      // the sandbox outbox has to show it).
      ...(opts.redactCodes && claimed.kind === 'code' ? { body: claimed.body.replace(/\d{6}/g, '******') } : {}),
    })
    .where(eq(smsMessages.id, id));
  metrics.notifications.inc({ channel: 'sms', outcome: 'sent' });
  return { outcome: 'sent' };
}

const FAILED_REPORTS = new Set(['Rejected', 'Failed', 'AbsentSubscriber', 'Expired']);

/** Applies one delivery report (form fields as Africa's Talking posts them). Unknown ids are stored and ignored. */
export async function applyDeliveryReport(db: Queryable, form: URLSearchParams): Promise<'delivered' | 'failed' | 'progress' | 'unknown' | 'invalid'> {
  const messageId = form.get('id')?.slice(0, 200);
  const status = form.get('status')?.slice(0, 50);
  if (!messageId || !status) return 'invalid';
  const [sms] = await db.select().from(smsMessages).where(eq(smsMessages.providerMessageId, messageId));
  await db.insert(smsDeliveryReports).values({ providerMessageId: messageId, status, raw: form.toString().slice(0, 2000), matched: !!sms });
  if (!sms) return 'unknown';
  // A final state is not undone by a late or replayed report.
  if (sms.status === 'delivered' || sms.status === 'failed') return sms.status;
  if (status === 'Success') {
    await db.update(smsMessages).set({ status: 'delivered', providerStatus: status, reportedAt: new Date() }).where(eq(smsMessages.id, sms.id));
    return 'delivered';
  }
  if (FAILED_REPORTS.has(status)) {
    const reason = form.get('failureReason')?.slice(0, 200) || status;
    const [failed] = await db
      .update(smsMessages)
      .set({ status: 'failed', providerStatus: status, failureReason: reason, reportedAt: new Date() })
      .where(eq(smsMessages.id, sms.id))
      .returning();
    await fallBackToEmail(db, failed);
    return 'failed';
  }
  await db.update(smsMessages).set({ providerStatus: status, reportedAt: new Date() }).where(eq(smsMessages.id, sms.id));
  return 'progress';
}

/** The newest SMS first (the sandbox outbox page). */
export async function listSms(db: Queryable, opts: { limit?: number; toPhone?: string } = {}): Promise<SmsMessage[]> {
  return db
    .select()
    .from(smsMessages)
    .where(opts.toPhone ? eq(smsMessages.toPhone, opts.toPhone) : undefined)
    .orderBy(desc(smsMessages.createdAt), desc(smsMessages.id))
    .limit(opts.limit ?? 50);
}
