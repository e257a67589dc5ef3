// Server start-up: migrate (and seed an empty database), then run this instance's job worker.
import { getDatabase } from '@/db/client';
import { darajaSandboxEnabled } from '@/lib/env';
import { enqueueJob, JOBS_CHANNEL } from '@/lib/jobs/queue';
import { startWorker } from '@/lib/jobs/worker';
import { scheduleReminders } from '@/lib/notifications/jobs';
import { SMS_REMINDERS_JOB } from '@/lib/sms/reminders';
import { REFRESH_OVERVIEW_JOB } from '@/lib/staff/overview';
import { CALLBACK_SILENCE_JOB } from '@/lib/alarms/callback-silence';
import { jobHandlers, PRUNE_LIMITS_JOB, SANDBOX_PROMPT_SWEEP } from './job-handlers';

export async function startServer() {
  const handle = await getDatabase();
  const { db } = handle;
  if (process.env.MALIPO_DISABLE_WORKER === '1') return;
  // Recurring jobs are keyed, so however many instances start, each exists once.
  await enqueueJob(db, { kind: PRUNE_LIMITS_JOB, key: PRUNE_LIMITS_JOB });
  await enqueueJob(db, { kind: REFRESH_OVERVIEW_JOB, key: REFRESH_OVERVIEW_JOB });
  await enqueueJob(db, { kind: CALLBACK_SILENCE_JOB, key: CALLBACK_SILENCE_JOB });
  await scheduleReminders(db);
  await enqueueJob(db, { kind: SMS_REMINDERS_JOB, key: SMS_REMINDERS_JOB });
  if (darajaSandboxEnabled()) {
    // A recurring job: one instance at a time closes sandbox prompts nobody answered.
    await enqueueJob(db, { kind: SANDBOX_PROMPT_SWEEP, key: SANDBOX_PROMPT_SWEEP });
  }
  const stop = startWorker(db, jobHandlers(), {
    pollMs: Number(process.env.MALIPO_WORKER_POLL_MS) || 1000,
    // Jobs run at once per instance; the rest of the pool (10) stays free for requests.
    slots: Number(process.env.MALIPO_WORKER_SLOTS) || 4,
    listen: (wake) => handle.listen(JOBS_CHANNEL, wake),
  });
  process.once('SIGTERM', stop);
}
