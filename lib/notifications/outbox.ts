// Every email is written to outbox_messages first. The unique dedupe key makes a message happen
// at most once however often a job retries; a conditional status change ('queued' -> 'sending')
// makes sure only one worker ever hands it to SMTP.
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { outboxMessages, type OutboxMessage } from '@/db/schema';
import { log } from '@/lib/log';
import { metrics } from '@/lib/metrics';
import { isUuid } from '@/lib/uuid';
import { loadReceipt } from '@/lib/receipts/data';
import { receiptFilename, renderReceiptPdf } from '@/lib/receipts/pdf';
import { loadRefundNote, refundNoteFilename, renderRefundNotePdf } from '@/lib/receipts/refund-note';
import { isPermanentSmtpError, type Mailer, type OutgoingAttachment } from './mailer';

// Status: queued -> sending -> sent; queued -> sandbox (no SMTP); queued -> failed (gave up).
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'sandbox' | 'failed';

/** Attachments are stored as what to render, not as bytes: a receipt (or refund note) is drawn when sent. */
export const attachmentSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('receipt'), paymentId: z.string().refine(isUuid) }),
  z.object({ type: z.literal('refund_note'), refundId: z.string().refine(isUuid) }),
]);
export type AttachmentSpec = z.infer<typeof attachmentSpec>;
const attachmentList = z.array(attachmentSpec).catch([]);

export type NewMessage = {
  dedupeKey: string;
  userId: string;
  toEmail: string;
  kind: string;
  subject: string;
  textBody: string;
  attachments?: AttachmentSpec[];
};

/** Writes a message once per dedupe key; returns its id either way. */
export async function queueMessage(db: Queryable, m: NewMessage): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insert(outboxMessages)
    .values({ ...m, attachments: m.attachments ?? [], status: 'queued' })
    .onConflictDoNothing({ target: outboxMessages.dedupeKey })
    .returning({ id: outboxMessages.id });
  if (inserted.length) return { id: inserted[0].id, created: true };
  const [existing] = await db.select({ id: outboxMessages.id }).from(outboxMessages).where(eq(outboxMessages.dedupeKey, m.dedupeKey));
  return { id: existing.id, created: false };
}

export function attachmentsOf(message: Pick<OutboxMessage, 'attachments'>): AttachmentSpec[] {
  return attachmentList.parse(message.attachments);
}

/** Renders one attachment for its message's recipient (their own receipt or refund note only). */
export async function renderAttachment(db: Queryable, message: Pick<OutboxMessage, 'userId'>, spec: AttachmentSpec): Promise<OutgoingAttachment | null> {
  if (!message.userId) return null;
  if (spec.type === 'refund_note') {
    const note = await loadRefundNote(db, { userId: message.userId, role: 'policyholder' }, spec.refundId);
    return note ? { filename: refundNoteFilename(note.noteNo), content: await renderRefundNotePdf(note), contentType: 'application/pdf' } : null;
  }
  const receipt = await loadReceipt(db, { userId: message.userId, role: 'policyholder' }, spec.paymentId);
  if (!receipt) return null;
  return { filename: receiptFilename(receipt.receiptNo), content: await renderReceiptPdf(receipt), contentType: 'application/pdf' };
}

export type Delivery =
  | { outcome: 'sent' | 'sandbox' | 'already' | 'in_flight' | 'missing' }
  | { outcome: 'retry' | 'failed'; error: string };

/** Hands a queued message to SMTP (or marks it 'sandbox' without a mailer). Never sends twice. */
export async function deliverMessage(db: Queryable, mailer: Mailer | null, id: string): Promise<Delivery> {
  const [msg] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, id));
  if (!msg) return { outcome: 'missing' };
  // 'sending' left behind means a worker stopped mid-send: the mail may have gone out, so we
  // do not risk a duplicate.
  if (msg.status === 'sending') return { outcome: 'in_flight' };
  if (msg.status !== 'queued') return { outcome: 'already' };
  if (!mailer) {
    await db.update(outboxMessages).set({ status: 'sandbox' }).where(and(eq(outboxMessages.id, id), eq(outboxMessages.status, 'queued')));
    metrics.notifications.inc({ channel: 'email', outcome: 'sandbox' });
    return { outcome: 'sandbox' };
  }
  // Render before claiming: if that fails the message simply stays queued for the next try.
  const files: OutgoingAttachment[] = [];
  for (const spec of attachmentsOf(msg)) {
    const file = await renderAttachment(db, msg, spec);
    if (!file) throw new Error(`attachment ${spec.type} ${spec.type === 'receipt' ? spec.paymentId : spec.refundId} of message ${id} cannot be rendered`);
    files.push(file);
  }
  const claimed = await db
    .update(outboxMessages)
    .set({ status: 'sending', error: null })
    .where(and(eq(outboxMessages.id, id), eq(outboxMessages.status, 'queued')))
    .returning({ id: outboxMessages.id });
  if (!claimed.length) return { outcome: 'already' };
  try {
    await mailer.send({ to: msg.toEmail, subject: msg.subject, text: msg.textBody, html: msg.htmlBody, attachments: files });
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const permanent = isPermanentSmtpError(err);
    await db
      .update(outboxMessages)
      .set({ status: permanent ? 'failed' : 'queued', error })
      .where(eq(outboxMessages.id, id));
    metrics.notifications.inc({ channel: 'email', outcome: permanent ? 'failed' : 'retry' });
    log.warn({ event: 'email.failed', messageId: id, kind: msg.kind, permanent, err }, 'email not sent');
    return { outcome: permanent ? 'failed' : 'retry', error };
  }
  await db.update(outboxMessages).set({ status: 'sent', sentAt: new Date(), error: null }).where(eq(outboxMessages.id, id));
  metrics.notifications.inc({ channel: 'email', outcome: 'sent' });
  log.info({ event: 'email.sent', messageId: id, kind: msg.kind }, 'email sent');
  return { outcome: 'sent' };
}

/** Gives up on a message that could not be sent (left visible with its last error). */
export async function markFailed(db: Queryable, id: string, error: string) {
  await db.update(outboxMessages).set({ status: 'failed', error }).where(and(eq(outboxMessages.id, id), eq(outboxMessages.status, 'queued')));
}

/** Sends what is still queued (reminders, and retries of earlier failures), oldest first. */
export async function deliverQueued(db: Queryable, mailer: Mailer | null, limit = 100) {
  // The database's clock, the same one that stamped created_at on every instance.
  const cutoff = sql`now() - interval '2 days'`;
  await db
    .update(outboxMessages)
    .set({ status: 'failed', error: sql`coalesce(${outboxMessages.error} || ' ', '') || '(gave up after 2 days)'` })
    .where(and(eq(outboxMessages.status, 'queued'), lt(outboxMessages.createdAt, cutoff)));
  const queued = await db
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.status, 'queued'), gt(outboxMessages.createdAt, cutoff)))
    .orderBy(outboxMessages.createdAt)
    .limit(limit);
  const tally: Record<string, number> = {};
  for (const { id } of queued) {
    let outcome: string;
    try {
      outcome = (await deliverMessage(db, mailer, id)).outcome;
    } catch (err) {
      log.error({ event: 'email.prepare_failed', messageId: id, err }, 'outbox message could not be prepared');
      outcome = 'error';
    }
    tally[outcome] = (tally[outcome] ?? 0) + 1;
  }
  return tally;
}

/** The newest messages first (the sandbox outbox page). */
export async function listOutbox(db: Queryable, opts: { limit?: number; toEmail?: string } = {}): Promise<OutboxMessage[]> {
  return db
    .select()
    .from(outboxMessages)
    .where(opts.toEmail ? eq(outboxMessages.toEmail, opts.toEmail) : undefined)
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(opts.limit ?? 50);
}

export async function getOutboxMessage(db: Queryable, id: string): Promise<OutboxMessage | null> {
  if (!isUuid(id)) return null;
  const [msg] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, id));
  return msg ?? null;
}
