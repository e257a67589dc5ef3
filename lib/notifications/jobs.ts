// Background jobs of the notifications module, run by every instance's job worker.
//  - notify.payment (queued by lib/payments/outcomes.ts with the outcome): one email per outcome.
//  - notify.reminders (recurring, one row keyed 'notify.reminders'): due-soon and overdue
//    reminders, plus a retry sweep for anything still queued in the outbox.
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { appOrigin } from '@/lib/env';
import { enqueueJob } from '@/lib/jobs/queue';
import type { JobHandler, JobResult } from '@/lib/jobs/worker';
import { mailerFromEnv, type Mailer } from './mailer';
import { deliverMessage, deliverQueued, markFailed, queueMessage, type NewMessage } from './outbox';
import { buildRefundNotice, NOTIFY_REFUND_JOB, REFUND_NOTICE_STATUSES } from './refund-notice';
import type { Job } from '@/db/schema';
import { buildPaymentNotice } from './payment-notice';
import { queueReminders } from './reminders';
import { buildRefundNoteMessage } from './refund-note-email';

export const NOTIFY_PAYMENT_JOB = 'notify.payment';
export const REMINDERS_JOB = 'notify.reminders';
/** Sends one message already written to the outbox (e.g. a staff-sent invite), payload { messageId }. */
export const NOTIFY_DELIVER_JOB = 'notify.deliver';
/** Queued with a refund's ledger lines (lib/refunds/post-refund.ts): the holder gets the refund note. */
export const NOTIFY_REFUND_NOTE_JOB = 'notify.refund_note';
/** The one row of the recurring reminders job (enqueueJob leaves it alone when it exists). */
export const REMINDERS_JOB_KEY = REMINDERS_JOB;

const REMINDERS_EVERY_MS = 3600_000;
const REMINDER_BATCH = 200;
const MAX_SEND_ATTEMPTS = 8;

export type NotificationDeps = {
  /** null: no SMTP, messages stay in the outbox as 'sandbox'. */
  mailer: () => Mailer | null;
  origin: () => string;
  now: () => Date;
};

const defaultDeps: NotificationDeps = { mailer: () => mailerFromEnv(), origin: () => appOrigin(), now: () => new Date() };

const notifyPayload = z.object({
  paymentId: z.string().min(1),
  status: z.enum(['completed', 'failed', 'cancelled', 'expired']),
});

const refundPayload = z.object({ refundId: z.string().min(1), status: z.enum(REFUND_NOTICE_STATUSES) });

/** Writes the message first, under its unique key (a retried or duplicated job finds the same one), then sends it. */
async function sendOnce(db: Queryable, deps: NotificationDeps, job: Job, message: NewMessage): Promise<JobResult> {
  // Written first, under a unique key: a retried or duplicated job finds the same message.
  const { id } = await queueMessage(db, message);
  return deliverWithRetry(db, deps, job, id);
}

/** Queues the recurring reminders job; safe to call on every start-up of every instance. */
export function scheduleReminders(db: Queryable, runAt?: Date) {
  return enqueueJob(db, { kind: REMINDERS_JOB, key: REMINDERS_JOB_KEY, runAt });
}

export function createNotificationJobHandlers(overrides: Partial<NotificationDeps> = {}): Record<string, JobHandler> {
  const deps = { ...defaultDeps, ...overrides };
  return {
    [NOTIFY_PAYMENT_JOB]: async (db, job): Promise<JobResult> => {
      const payload = notifyPayload.safeParse(job.payload);
      if (!payload.success) return { done: true, note: `ignored: payload is not a payment outcome` };
      const notice = await buildPaymentNotice(db, payload.data.paymentId, payload.data.status, deps.origin());
      if ('skip' in notice) return { done: true, note: notice.skip };
      return sendOnce(db, deps, job, notice.message);
    },
    [NOTIFY_DELIVER_JOB]: async (db, job): Promise<JobResult> => {
      const id = String((job.payload as { messageId?: unknown }).messageId ?? '');
      return deliverWithRetry(db, deps, job, id);
    },
    [NOTIFY_REFUND_NOTE_JOB]: async (db, job): Promise<JobResult> => {
      const payload = z.object({ refundId: z.string().min(1) }).safeParse(job.payload);
      if (!payload.success) return { done: true, note: 'ignored: payload is not a refund' };
      const built = await buildRefundNoteMessage(db, payload.data.refundId, deps.origin());
      if (!built) return { done: true, note: `refund ${payload.data.refundId} has no note` };
      return sendOnce(db, deps, job, built);
    },
    [NOTIFY_REFUND_JOB]: async (db, job): Promise<JobResult> => {
      const payload = refundPayload.safeParse(job.payload);
      if (!payload.success) return { done: true, note: `ignored: payload is not a refund decision` };
      const notice = await buildRefundNotice(db, payload.data.refundId, payload.data.status, deps.origin());
      if ('skip' in notice) return { done: true, note: notice.skip };
      return sendOnce(db, deps, job, notice.message);
    },
    [REMINDERS_JOB]: async (db): Promise<JobResult> => {
      const now = deps.now();
      const queued = await queueReminders(db, deps.origin(), now, REMINDER_BATCH);
      const sent = await deliverQueued(db, deps.mailer(), REMINDER_BATCH);
      // A full batch means more are waiting: come back in a minute rather than an hour.
      const next = queued >= REMINDER_BATCH ? 60_000 : REMINDERS_EVERY_MS;
      return { done: false, retryAt: new Date(now.getTime() + next), note: `queued ${queued}; ${JSON.stringify(sent)}` };
    },
  };
}

/** Hands one outbox message to the mailer; a temporary failure retries with backoff, up to MAX_SEND_ATTEMPTS. */
async function deliverWithRetry(db: Queryable, deps: NotificationDeps, job: { attempts: number }, id: string): Promise<JobResult> {
  const delivery = await deliverMessage(db, deps.mailer(), id);
  if (delivery.outcome !== 'retry') return { done: true, note: delivery.outcome };
  if (job.attempts >= MAX_SEND_ATTEMPTS) {
    await markFailed(db, id, delivery.error);
    return { done: true, note: `gave up after ${job.attempts} attempts: ${delivery.error}` };
  }
  const delaySeconds = Math.min(3600, 30 * 2 ** Math.min(job.attempts, 7));
  return { done: false, retryAt: new Date(deps.now().getTime() + delaySeconds * 1000), note: delivery.error };
}

export const notificationJobHandlers: Record<string, JobHandler> = createNotificationJobHandlers();
