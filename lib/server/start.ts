// Server start-up: migrate (and seed an empty database), then run this instance's job worker and
// its heartbeat, and drain both gracefully on SIGTERM.
import { getDatabase } from '@/db/client';
import { installPeerStamp } from '@/lib/net/peer-stamp';
import { UnsafeProductionSettings } from './production-checks';
import { darajaSandboxEnabled } from '@/lib/env';
import { startHeartbeat } from '@/lib/jobs/heartbeat';
import { enqueueJob, JOBS_CHANNEL } from '@/lib/jobs/queue';
import { startWorker } from '@/lib/jobs/worker';
import { log } from '@/lib/log';
import { scheduleReminders } from '@/lib/notifications/jobs';
import { SMS_REMINDERS_JOB } from '@/lib/sms/reminders';
import { REFRESH_OVERVIEW_JOB } from '@/lib/staff/overview';
import { CALLBACK_SILENCE_JOB } from '@/lib/alarms/callback-silence';
import { scheduleReconJobs } from '@/lib/reconciliation/jobs';
import { installGracefulShutdown } from './graceful';
import { jobHandlers, PRUNE_LIMITS_JOB } from './job-handlers';
import { CHANGES_STAMP_JOB } from '@/lib/integration/changes';

/** How long running jobs get to finish on SIGTERM before they are handed back. */
const JOB_GRACE_MS = 6_000;

export async function startServer() {
  // First, before any await: sign-in limits need each request's real TCP peer address.
  installPeerStamp();
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
  if (process.env.MALIPO_DISABLE_WORKER === '1') {
    installGracefulShutdown(async () => {});
    log.info({ event: 'server.started', worker: false }, 'web-only instance started');
    return;
  }
  // Recurring jobs are keyed, so however many instances start, each exists once.
  await enqueueJob(db, { kind: PRUNE_LIMITS_JOB, key: PRUNE_LIMITS_JOB });
  await enqueueJob(db, { kind: REFRESH_OVERVIEW_JOB, key: REFRESH_OVERVIEW_JOB });
  await enqueueJob(db, { kind: CALLBACK_SILENCE_JOB, key: CALLBACK_SILENCE_JOB });
  await scheduleReminders(db);
  await scheduleReconJobs(db); // issue 19: Paystack settlements at 05:00, the report to finance at 06:00 (Nairobi)
  await enqueueJob(db, { kind: SMS_REMINDERS_JOB, key: SMS_REMINDERS_JOB });
  await enqueueJob(db, { kind: CHANGES_STAMP_JOB, key: CHANGES_STAMP_JOB });
  if (darajaSandboxEnabled()) await (await import('@/lib/sandbox/jobs')).scheduleSandboxJobs(db);
  const stopWorker = startWorker(db, await jobHandlers(), {
    pollMs: Number(process.env.MALIPO_WORKER_POLL_MS) || 1000,
    // Jobs run at once per instance; the rest of the pool (10) stays free for requests.
    slots: Number(process.env.MALIPO_WORKER_SLOTS) || 4,
    listen: (wake) => handle.listen(JOBS_CHANNEL, wake),
  });
  const stopHeartbeat = startHeartbeat(db);
  installGracefulShutdown(async () => {
    await stopWorker(JOB_GRACE_MS);
    await stopHeartbeat();
  });
  log.info({ event: 'server.started', worker: true }, 'instance started with a job worker');
}
