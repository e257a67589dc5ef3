// Server start-up: migrate (and seed an empty database), then run this instance's job worker.
import { getDatabase } from '@/db/client';
import { darajaSandboxEnabled } from '@/lib/env';
import { enqueueJob } from '@/lib/jobs/queue';
import { startWorker } from '@/lib/jobs/worker';
import { scheduleReminders } from '@/lib/notifications/jobs';
import { jobHandlers, PRUNE_LIMITS_JOB, SANDBOX_PROMPT_SWEEP } from './job-handlers';

export async function startServer() {
  const { db } = await getDatabase();
  if (process.env.MALIPO_DISABLE_WORKER === '1') return;
  // Recurring jobs are keyed, so however many instances start, each exists once.
  await enqueueJob(db, { kind: PRUNE_LIMITS_JOB, key: PRUNE_LIMITS_JOB });
  await scheduleReminders(db);
  if (darajaSandboxEnabled()) {
    // A recurring job: one instance at a time closes sandbox prompts nobody answered.
    await enqueueJob(db, { kind: SANDBOX_PROMPT_SWEEP, key: SANDBOX_PROMPT_SWEEP });
  }
  const stop = startWorker(db, jobHandlers(), Number(process.env.MALIPO_WORKER_POLL_MS) || 1000);
  process.once('SIGTERM', stop);
}
