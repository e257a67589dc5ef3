// A Postgres-backed job queue: every app instance polls the same table and claims due jobs with
// FOR UPDATE SKIP LOCKED, so a job runs on one instance at a time and survives restarts.
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '@/db/client';
import { jobs, type Job } from '@/db/schema';

export type EnqueueInput = { kind: string; key?: string; payload?: Record<string, unknown>; runAt?: Date };

/** Adds a job; a job with the same key already queued is left as it is. Returns true if added. */
export async function enqueueJob(db: Queryable, input: EnqueueInput): Promise<boolean> {
  const rows = await db
    .insert(jobs)
    .values({ kind: input.kind, key: input.key, payload: input.payload ?? {}, runAt: input.runAt ?? new Date() })
    .onConflictDoNothing({ target: jobs.key })
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Claims up to `limit` due jobs for `leaseSeconds`; a crashed worker's lease simply runs out. */
export async function claimJobs(db: Queryable, limit = 10, leaseSeconds = 60): Promise<Job[]> {
  const result = await db.execute(sql`
    update ${jobs} set locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
    where id in (
      select id from ${jobs}
      where run_at <= now() and (locked_until is null or locked_until < now())
      order by run_at
      limit ${limit}
      for update skip locked
    )
    returning id, kind, key, payload, run_at as "runAt", attempts, locked_until as "lockedUntil",
              last_error as "lastError", created_at as "createdAt"`);
  return rowsOf<Job>(result);
}

export async function finishJob(db: Queryable, id: number) {
  await db.execute(sql`delete from ${jobs} where id = ${id}`);
}

export async function rescheduleJob(db: Queryable, id: number, runAt: Date, error?: string) {
  await db.execute(
    sql`update ${jobs} set run_at = ${runAt}, locked_until = null, last_error = ${error ?? null} where id = ${id}`,
  );
}
