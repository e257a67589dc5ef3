// Server start-up: migrate (and seed an empty database), then run this instance's job worker.
import { getDatabase } from '@/db/client';
import { UnsafeProductionSettings } from './production-checks';
import { darajaSandboxEnabled } from '@/lib/env';
import { enqueueJob, JOBS_CHANNEL } from '@/lib/jobs/queue';
import { startWorker } from '@/lib/jobs/worker';
import { scheduleReminders } from '@/lib/notifications/jobs';
import { REFRESH_OVERVIEW_JOB } from '@/lib/staff/overview';
import { jobHandlers, PRUNE_LIMITS_JOB, SANDBOX_PROMPT_SWEEP } from './job-handlers';

export async function startServer() {
  let handle: Awaited<ReturnType<typeof getDatabase>>;
  try {
    handle = await getDatabase();
  } catch (err) {
    // By name: Next may bundle this module and the one that threw into separate chunks.
    if (err instanceof UnsafeProductionSettings || (err as Error)?.name === 'UnsafeProductionSettings') {
      // An operator reads this in the crash log: one line per setting to fix, then stop, rather
      // than serve requests that would each fail the same way.
      console.error((err as Error).message);
      process.exit(1);
    }
    throw err;
  }
  const { db } = handle;
  if (process.env.MALIPO_DISABLE_WORKER === '1') return;
  // Recurring jobs are keyed, so however many instances start, each exists once.
  await enqueueJob(db, { kind: PRUNE_LIMITS_JOB, key: PRUNE_LIMITS_JOB });
  await enqueueJob(db, { kind: REFRESH_OVERVIEW_JOB, key: REFRESH_OVERVIEW_JOB });
  await scheduleReminders(db);
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
