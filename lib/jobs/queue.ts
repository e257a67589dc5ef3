// A Postgres-backed job queue: every app instance polls the same table (and wakes early on a
// NOTIFY) and claims due jobs with FOR UPDATE SKIP LOCKED, so a job runs on one instance at a time
// and survives restarts.
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '@/db/client';
import { jobs, type Job } from '@/db/schema';

/** NOTIFYed when urgent work is queued (e.g. a gateway callback to apply): idle workers wake at once. */
export const JOBS_CHANNEL = 'malipo_jobs';

export type EnqueueInput = { kind: string; key?: string; payload?: Record<string, unknown>; runAt?: Date; priority?: number };

/** Gateway messages to apply: ahead of everything else (emails, reminders, sweeps). */
export const URGENT = 10;

/** Adds a job; a job with the same key already queued is left as it is. Returns true if added. */
export async function enqueueJob(db: Queryable, input: EnqueueInput): Promise<boolean> {
  const rows = await db
    .insert(jobs)
    .values({ kind: input.kind, key: input.key, payload: input.payload ?? {}, runAt: input.runAt ?? new Date(), priority: input.priority ?? 0 })
    .onConflictDoNothing({ target: jobs.key })
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/**
 * Claims up to `limit` due jobs (of the given kinds, or any) for `leaseSeconds`; a crashed
 * worker's lease simply runs out.
 */
export async function claimJobs(db: Queryable, limit = 10, leaseSeconds = 60, kinds?: string[]): Promise<Job[]> {
  const result = await db.execute(sql`
    update ${jobs} set locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
    where id in (
      select id from ${jobs}
      where run_at <= now() and (locked_until is null or locked_until < now()) and dead_at is null
        ${kinds ? sql`and kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})` : sql``}
      order by priority desc, run_at
      limit ${limit}
      for update skip locked
    )
    returning id, kind, key, payload, priority, run_at, attempts, failures, locked_until, last_error, dead_at, created_at`);
  // Raw rows differ by driver (postgres.js returns bigint and timestamps as strings): normalise.
  type Raw = { id: unknown; kind: string; key: string | null; payload: unknown; priority: unknown; run_at: unknown; attempts: unknown; failures: unknown; locked_until: unknown; last_error: string | null; dead_at: unknown; created_at: unknown };
  const date = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
  return rowsOf<Raw>(result).map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    key: r.key,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Job['payload'],
    priority: Number(r.priority),
    runAt: date(r.run_at)!,
    attempts: Number(r.attempts),
    failures: Number(r.failures),
    lockedUntil: date(r.locked_until),
    lastError: r.last_error,
    deadAt: date(r.dead_at),
    createdAt: date(r.created_at)!,
  }));
}

export async function finishJob(db: Queryable, id: number) {
  await db.delete(jobs).where(eq(jobs.id, id));
}

/** The job ran normally and asked to run again later (a poll, a recurring job): its failure streak ends. */
export async function rescheduleJob(db: Queryable, id: number, runAt: Date, note?: string, payload?: Record<string, unknown>) {
  await db
    .update(jobs)
    .set({ runAt, lockedUntil: null, lastError: note ?? null, failures: 0, ...(payload ? { payload } : {}) })
    .where(eq(jobs.id, id));
}

/** Hands a claimed job back untouched (a worker stopping before it ran it). */
export async function releaseJob(db: Queryable, id: number, runAt: Date) {
  await db.update(jobs).set({ runAt, lockedUntil: null }).where(eq(jobs.id, id));
}

/** Jobs that fail this many times in a row are dead letters (about a day, with the backoff below). */
export function maxJobFailures(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.MALIPO_JOB_MAX_FAILURES);
  return Number.isInteger(n) && n > 0 ? n : 20;
}

/** Seconds to wait after the n-th failure in a row: 10 s doubling to 2 hours (20 failures ≈ 23 h). */
export function failureBackoffSeconds(failures: number): number {
  return Math.min(7200, 5 * 2 ** Math.min(failures, 11));
}

/**
 * A run threw: count it, and either retry later with backoff or, after too many in a row, keep
 * the job as a dead letter with its last error (staff see it and can retry it).
 */
export async function failJob(db: Queryable, job: Pick<Job, 'id' | 'failures'>, error: string, now = new Date()): Promise<'retry' | 'dead'> {
  const failures = job.failures + 1;
  const dead = failures >= maxJobFailures();
  await db
    .update(jobs)
    .set({
      failures,
      lockedUntil: null,
      lastError: error.slice(0, 2000),
      runAt: dead ? now : new Date(now.getTime() + failureBackoffSeconds(failures) * 1000),
      deadAt: dead ? now : null,
    })
    .where(eq(jobs.id, job.id));
  return dead ? 'dead' : 'retry';
}

/** Staff: a dead job runs again at once, with a fresh failure count. */
export async function reviveJob(db: Queryable, id: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ deadAt: null, failures: 0, runAt: sql`now()`, lockedUntil: null })
    .where(sql`${jobs.id} = ${id} and ${jobs.deadAt} is not null`)
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export async function listDeadJobs(db: Queryable, limit = 20): Promise<{ total: number; jobs: Job[] }> {
  const [rows, [count]] = await Promise.all([
    db.select().from(jobs).where(sql`${jobs.deadAt} is not null`).orderBy(sql`${jobs.deadAt} desc`).limit(limit),
    db.select({ n: sql<string>`count(*)` }).from(jobs).where(sql`${jobs.deadAt} is not null`),
  ]);
  return { total: Number(count.n), jobs: rows };
}

