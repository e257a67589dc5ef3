// Liveness and readiness for load balancers and uptime monitors. Readiness is one round trip to
// the database (cheap enough to ask every few seconds) answering four questions: is the database
// reachable, are all migrations applied, has some instance's job worker stamped its heartbeat
// recently, and is the oldest due job young enough (the queue is moving).
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { getDatabase, MIGRATIONS_FOLDER, rowsOf, type DatabaseHandle } from '@/db/client';
import { LIVE_JOB } from '@/lib/jobs/dead-letters';
import { isShuttingDown } from '@/lib/server/shutdown-state';

export type Check = { ok: boolean; detail: string };
export type Readiness = { ready: boolean; checks: Record<'database' | 'migrations' | 'worker' | 'queue', Check> & { shutdown?: Check } };

function positive(v: string | undefined, fallback: number) {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function healthSettings(env: NodeJS.ProcessEnv = process.env) {
  return {
    /** A heartbeat older than this is stale (workers stamp every 5 s). */
    heartbeatMaxAgeSeconds: positive(env.HEALTH_HEARTBEAT_MAX_AGE_SECONDS, 30),
    /** A due job waiting longer than this means the queue is stuck. */
    queueMaxAgeSeconds: positive(env.HEALTH_QUEUE_MAX_AGE_SECONDS, 120),
    /** The database must answer within this. */
    databaseTimeoutMs: positive(env.HEALTH_DB_TIMEOUT_MS, 2000),
  };
}

let expectedMigration: number | undefined;
/** The newest migration this build ships (its journal timestamp, which drizzle records as created_at). */
export function latestShippedMigration(folder = MIGRATIONS_FOLDER): number {
  if (expectedMigration === undefined) {
    const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
    expectedMigration = Math.max(...journal.entries.map((e) => e.when));
  }
  return expectedMigration;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

export async function checkReadiness(opts: { database?: () => Promise<DatabaseHandle>; env?: NodeJS.ProcessEnv } = {}): Promise<Readiness> {
  const settings = healthSettings(opts.env);
  const skipped: Check = { ok: false, detail: 'not checked: database unreachable' };
  let row: { migrated: unknown; heartbeat_age: unknown; workers: unknown; oldest_due_age: unknown; due: unknown };
  try {
    row = await withTimeout(
      (async () => {
        const { db } = await (opts.database ?? getDatabase)();
        const result = await db.execute(sql`
          select
            (select max(created_at) from drizzle.__drizzle_migrations) as migrated,
            (select extract(epoch from now() - max(beat_at)) from worker_heartbeats) as heartbeat_age,
            (select count(*) from worker_heartbeats where beat_at > now() - make_interval(secs => ${settings.heartbeatMaxAgeSeconds})) as workers,
            (select extract(epoch from now() - min(run_at)) from jobs
               where run_at <= now() and (locked_until is null or locked_until < now()) and ${LIVE_JOB}) as oldest_due_age,
            (select count(*) from jobs where run_at <= now() and ${LIVE_JOB}) as due`);
        return rowsOf<typeof row>(result)[0];
      })(),
      settings.databaseTimeoutMs,
    );
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0].slice(0, 200) : 'unreachable';
    return {
      ready: false,
      checks: { database: { ok: false, detail: `unreachable: ${reason}` }, migrations: skipped, worker: skipped, queue: skipped, ...shutdownCheck() },
    };
  }
  const migrated = Number(row.migrated ?? 0);
  const expected = latestShippedMigration();
  const heartbeatAge = row.heartbeat_age == null ? null : Number(row.heartbeat_age);
  const workers = Number(row.workers);
  const oldest = row.oldest_due_age == null ? 0 : Number(row.oldest_due_age);
  const checks: Readiness['checks'] = {
    database: { ok: true, detail: 'reachable' },
    migrations: migrated >= expected ? { ok: true, detail: 'current' } : { ok: false, detail: `behind: newest applied ${migrated}, this build needs ${expected}` },
    worker:
      workers > 0
        ? { ok: true, detail: `${workers} worker(s) with a heartbeat in the last ${settings.heartbeatMaxAgeSeconds} s` }
        : { ok: false, detail: heartbeatAge === null ? 'no worker has ever reported' : `newest heartbeat is ${Math.round(heartbeatAge)} s old` },
    queue:
      oldest <= settings.queueMaxAgeSeconds
        ? { ok: true, detail: `${Number(row.due)} due, oldest waiting ${Math.round(oldest)} s` }
        : { ok: false, detail: `stuck: oldest due job waiting ${Math.round(oldest)} s (limit ${settings.queueMaxAgeSeconds} s)` },
    ...shutdownCheck(),
  };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

function shutdownCheck(): { shutdown?: Check } {
  return isShuttingDown() ? { shutdown: { ok: false, detail: 'this instance is shutting down' } } : {};
}
