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
      where run_at <= now() and (locked_until is null or locked_until < now())
        ${kinds ? sql`and kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})` : sql``}
      order by priority desc, run_at
      limit ${limit}
      for update skip locked
    )
    returning id, kind, key, payload, priority, run_at, attempts, locked_until, last_error, created_at`);
  // Raw rows differ by driver (postgres.js returns bigint and timestamps as strings): normalise.
  type Raw = { id: unknown; kind: string; key: string | null; payload: unknown; priority: unknown; run_at: unknown; attempts: unknown; locked_until: unknown; last_error: string | null; created_at: unknown };
  const date = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
  return rowsOf<Raw>(result).map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    key: r.key,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Job['payload'],
    priority: Number(r.priority),
    runAt: date(r.run_at)!,
    attempts: Number(r.attempts),
    lockedUntil: date(r.locked_until),
    lastError: r.last_error,
    createdAt: date(r.created_at)!,
  }));
}

export async function finishJob(db: Queryable, id: number) {
  await db.delete(jobs).where(eq(jobs.id, id));
}

export async function rescheduleJob(db: Queryable, id: number, runAt: Date, error?: string) {
  await db.update(jobs).set({ runAt, lockedUntil: null, lastError: error ?? null }).where(eq(jobs.id, id));
}

/** Hands a claimed job back untouched (a worker stopping before it ran it). */
export async function releaseJob(db: Queryable, id: number, runAt: Date) {
  await db.update(jobs).set({ runAt, lockedUntil: null }).where(eq(jobs.id, id));
}
