// Which queued jobs are dead letters (failed too often; kept for staff, never run again), for
// readiness and metrics. One place, so the dead-letter marker replaces the stand-in in two lines:
// with jobs.dead_at, DEAD_JOB is `dead_at is not null` and LIVE_JOB is `dead_at is null`.
import { sql } from 'drizzle-orm';

/** Stand-in until jobs carry a dead-letter marker: ten failed attempts. */
export const DEAD_JOB = sql.raw('(attempts >= 10 and last_error is not null)');
/** A job that may still run: the queue-stuck check and the due/age gauges look only at these. */
export const LIVE_JOB = sql.raw('not (attempts >= 10 and last_error is not null)');
