// Which queued jobs are dead letters (failed too often in a row; kept for staff, never run again
// until retried: lib/jobs/queue.ts failJob), for readiness and metrics.
import { sql } from 'drizzle-orm';

export const DEAD_JOB = sql.raw('(dead_at is not null)');
/** A job that may still run: the queue-stuck check and the due/age gauges look only at these. */
export const LIVE_JOB = sql.raw('(dead_at is null)');
