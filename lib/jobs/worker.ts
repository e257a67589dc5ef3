// Runs queued jobs on this instance. Every instance runs one; SKIP LOCKED shares the work.
import { sql } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import type { Job } from '@/db/schema';
import { log } from '@/lib/log';
import { jobRan } from './observe';
import { claimJobs, failJob, finishJob, JOBS_CHANNEL, releaseJob, rescheduleJob } from './queue';

export type JobResult =
  | { done: true; note?: string; /** the handler deleted its job row itself, in its own transaction */ finished?: boolean }
  | { done: false; retryAt: Date; note?: string; /** replaces the job's payload for its next run */ payload?: Record<string, unknown> };
export type JobHandler = (db: Db, job: Job) => Promise<JobResult>;

async function runJob(db: Db, handlers: Record<string, JobHandler>, job: Job) {
  const handler = handlers[job.kind];
  const started = performance.now();
  try {
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    const result = await handler(db, job);
    if (!result.done) await rescheduleJob(db, job.id, result.retryAt, result.note, result.payload);
    else if (!result.finished) await finishJob(db, job.id);
    jobRan(job, result.done ? 'done' : 'retry', started);
  } catch (err) {
    // Back off and keep the job: a transient database or gateway error must not lose it. One that
    // keeps failing becomes a dead letter for staff instead of retrying forever.
    const fate = await failJob(db, job, err instanceof Error ? (err.stack ?? err.message) : String(err)).catch(() => 'retry');
    jobRan(job, fate === 'dead' ? 'dead' : 'error', started, err);
  }
}

/** Runs up to `limit` due jobs at once; `kinds` restricts it to those kinds of job. */
export async function runDueJobs(db: Db, handlers: Record<string, JobHandler>, limit = 10, kinds?: string[]): Promise<number> {
  const claimed = await claimJobs(db, limit, 60, kinds);
  await Promise.all(claimed.map((job) => runJob(db, handlers, job)));
  return claimed.length;
}

/**
 * Runs due jobs until stopped, at most `slots` at a time (the rest of the connection pool stays
 * free for requests). It claims whenever a slot is free and there may be work: every `pollMs`,
 * at once when `listen` delivers a wake-up (a NOTIFY on the jobs channel from any instance), and
 * right after a job finishes while the queue was not empty.
 */
export function startWorker(
  db: Db,
  handlers: Record<string, JobHandler>,
  opts: { pollMs?: number; slots?: number; listen?: (wake: () => void) => Promise<() => Promise<void>> } = {},
) {
  const pollMs = opts.pollMs ?? 1000;
  const slots = opts.slots ?? 4;
  let stopped = false;
  let busy = 0;
  let claiming = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let claim: Promise<unknown> = Promise.resolve();
  const running = new Map<number, { job: Job; run: Promise<void> }>();
  const pump = async () => {
    if (stopped) return;
    if (claiming || busy >= slots) {
      again = true;
      return;
    }
    claiming = true;
    again = false;
    clearTimeout(timer);
    let claimed: Job[] = [];
    const attempt = (async () => {
      const got = await claimJobs(db, slots - busy);
      if (!stopped) return got;
      // Stopped while claiming: hand the jobs back at once rather than sit on their leases.
      await Promise.all(got.map((job) => releaseJob(db, job.id, job.runAt).catch(() => {})));
      return [];
    })();
    claim = attempt.catch(() => {});
    try {
      claimed = await attempt;
    } catch (err) {
      log.error({ event: 'jobs.poll_failed', err }, 'job poll failed');
    }
    claiming = false;
    if (stopped) return;
    for (const job of claimed) {
      busy++;
      const run = runJob(db, handlers, job).finally(() => {
        busy--;
        running.delete(job.id);
        void pump(); // a slot is free: the queue may hold more
      });
      running.set(job.id, { job, run });
    }
    // A full claim means more may be waiting; a wake-up during the claim may have queued more.
    if (claimed.length > 0 && busy < slots) void pump();
    else if (again) void pump();
    else if (busy === 0) timer = setTimeout(pump, pollMs);
  };
  timer = setTimeout(pump, pollMs);
  const wake = () => void pump();
  const unlisten = opts.listen?.(wake).catch((err) => {
    log.error({ event: 'jobs.listen_failed', err }, 'LISTEN failed; polling only');
    return undefined;
  });
  localWorker.set(wake);
  /**
   * Stops claiming; resolves once a claim in flight has handed its jobs back. With `graceMs`, also
   * waits that long for running jobs to finish, then hands back the rest (due at once, so another
   * instance takes them; their handlers are idempotent and their transactions die with us).
   */
  return async (graceMs = 0) => {
    stopped = true;
    if (timer) clearTimeout(timer);
    localWorker.clear(wake);
    await claim;
    await unlisten?.then((u) => u?.());
    if (graceMs <= 0 || running.size === 0) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...running.values()].map((r) => r.run)), new Promise((r) => (timeout = setTimeout(r, graceMs)))]);
    clearTimeout(timeout);
    const left = [...running.values()].map((r) => r.job);
    await Promise.all(left.map((job) => releaseJob(db, job.id, new Date()).catch(() => {})));
    if (left.length) log.warn({ event: 'jobs.handed_back', jobs: left.map((j) => ({ id: j.id, kind: j.kind })) }, 'jobs handed back at shutdown');
  };
}

// This process's running worker, if any, shared across Next's separately bundled chunks (the
// route that queues a job and the start-up code that runs the worker are different modules).
const LOCAL = Symbol.for('malipo.jobs.local-worker');
type G = typeof globalThis & { [LOCAL]?: () => void };
const localWorker = {
  set: (wake: () => void) => ((globalThis as G)[LOCAL] = wake),
  clear: (wake: () => void) => {
    if ((globalThis as G)[LOCAL] === wake) delete (globalThis as G)[LOCAL];
  },
};

/**
 * Wakes a worker for a job just queued: this process's own if it runs one (no round trip), else
 * every instance's through NOTIFY. The NOTIFY goes in its own statement after the job's commit:
 * inside a writing transaction it would hold PostgreSQL's notify lock through that commit, and
 * such commits run one at a time across the whole server (measured here: about half the commit
 * rate at 10 connections).
 */
export async function wakeWorkers(db: Queryable): Promise<void> {
  const local = (globalThis as G)[LOCAL];
  if (local) return local();
  await db.execute(sql`select pg_notify(${JOBS_CHANNEL}, '')`);
}
