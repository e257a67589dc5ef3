// Runs queued jobs on this instance. Every instance runs one; SKIP LOCKED shares the work.
import type { Db } from '@/db/client';
import type { Job } from '@/db/schema';
import { claimJobs, finishJob, rescheduleJob } from './queue';

export type JobResult = { done: true; note?: string } | { done: false; retryAt: Date; note?: string };
export type JobHandler = (db: Db, job: Job) => Promise<JobResult>;

export async function runDueJobs(db: Db, handlers: Record<string, JobHandler>, limit = 10): Promise<number> {
  const claimed = await claimJobs(db, limit);
  await Promise.all(
    claimed.map(async (job) => {
      const handler = handlers[job.kind];
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        const result = await handler(db, job);
        if (result.done) await finishJob(db, job.id);
        else await rescheduleJob(db, job.id, result.retryAt, result.note);
      } catch (err) {
        // Back off and keep the job: a transient database or gateway error must not lose it.
        const delay = Math.min(300, 5 * 2 ** Math.min(job.attempts, 6));
        await rescheduleJob(db, job.id, new Date(Date.now() + delay * 1000), String(err)).catch(() => {});
        console.error(`[jobs] ${job.kind} #${job.id} failed (attempt ${job.attempts}):`, err);
      }
    }),
  );
  return claimed.length;
}

/** Polls for due jobs until stopped. */
export function startWorker(db: Db, handlers: Record<string, JobHandler>, pollMs = 1000) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (stopped) return;
    let n = 0;
    try {
      n = await runDueJobs(db, handlers);
    } catch (err) {
      console.error('[jobs] poll failed:', err);
    }
    if (!stopped) timer = setTimeout(tick, n > 0 ? 0 : pollMs);
  };
  timer = setTimeout(tick, pollMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
