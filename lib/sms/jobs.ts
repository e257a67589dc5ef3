// Background jobs of holder access and SMS, run by every instance's job worker.
//  - holder.code: look up who asked for a code; if found, store its hash and send it.
//  - sms.send: hand one queued SMS to Africa's Talking (or its emulator).
//  - holder.email: send one queued email now (codes by email, SMS fall-backs).
//  - sms.reminders (recurring every 15 minutes): the SMS reminders due now.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { smsMessages } from '@/db/schema';
import { appOrigin } from '@/lib/env';
import { CODE_JOB, CODE_TTL_MS, runCodeJob } from '@/lib/holder-access/codes';
import type { JobHandler, JobResult } from '@/lib/jobs/worker';
import { mailerFromEnv } from '@/lib/notifications/mailer';
import { deliverMessage, markFailed } from '@/lib/notifications/outbox';
import { createAfricasTalkingClient, type SmsSender } from './africastalking';
import { smsConfigFromEnv } from './config';
import { HOLDER_EMAIL_JOB, SMS_SEND_JOB, sendSms } from './outbox';
import { queueSmsReminders, SMS_REMINDERS_JOB } from './reminders';

export { SMS_REMINDERS_JOB };
const EVERY_MS = 15 * 60_000;
const MAX_ATTEMPTS = 8;

function backoff(attempts: number) {
  return new Date(Date.now() + Math.min(3600, 15 * 2 ** Math.min(attempts, 8)) * 1000);
}

export function createSmsJobHandlers(deps: { sender?: () => SmsSender; origin?: () => string; now?: () => Date } = {}): Record<string, JobHandler> {
  const config = () => smsConfigFromEnv();
  const sender = deps.sender ?? (() => createAfricasTalkingClient(config()));
  const origin = deps.origin ?? (() => appOrigin());
  const now = deps.now ?? (() => new Date());
  return {
    [CODE_JOB]: async (db, job): Promise<JobResult> => ({ done: true, note: await runCodeJob(db, job.payload, now()) }),
    [SMS_SEND_JOB]: async (db, job): Promise<JobResult> => {
      const smsId = z.object({ smsId: z.string().uuid() }).safeParse(job.payload);
      if (!smsId.success) return { done: true, note: 'ignored: bad payload' };
      const cfg = config();
      const r = await sendSms(db, sender(), smsId.data.smsId, { redactCodes: !cfg.sandbox });
      if (r.outcome !== 'retry') return { done: true, note: r.outcome };
      const [sms] = await db.select().from(smsMessages).where(eq(smsMessages.id, smsId.data.smsId));
      // A code is worthless after 5 minutes; anything else gets a few tries before giving up.
      const stale = sms?.kind === 'code' && now().getTime() - sms.createdAt.getTime() > CODE_TTL_MS;
      if (stale || job.attempts >= MAX_ATTEMPTS) {
        await db.update(smsMessages).set({ status: 'failed', failureReason: `gave up: ${r.error}` }).where(eq(smsMessages.id, smsId.data.smsId));
        return { done: true, note: `gave up: ${r.error}` };
      }
      return { done: false, retryAt: backoff(job.attempts), note: r.error };
    },
    [HOLDER_EMAIL_JOB]: async (db, job): Promise<JobResult> => {
      const p = z.object({ messageId: z.string().uuid() }).safeParse(job.payload);
      if (!p.success) return { done: true, note: 'ignored: bad payload' };
      const d = await deliverMessage(db, mailerFromEnv(), p.data.messageId);
      if (d.outcome !== 'retry') return { done: true, note: d.outcome };
      if (job.attempts >= MAX_ATTEMPTS) {
        await markFailed(db, p.data.messageId, d.error);
        return { done: true, note: `gave up: ${d.error}` };
      }
      return { done: false, retryAt: backoff(job.attempts), note: d.error };
    },
    [SMS_REMINDERS_JOB]: async (db): Promise<JobResult> => {
      const at = now();
      const queued = await queueSmsReminders(db, { origin: origin(), now: at, replyStop: !!config().replyShortcode });
      return { done: false, retryAt: new Date(at.getTime() + EVERY_MS), note: `queued ${queued}` };
    },
  };
}

export const smsJobHandlers: Record<string, JobHandler> = createSmsJobHandlers();
