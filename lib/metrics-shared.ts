// Gauges that describe state every instance shares (payments, the job queue, live workers): read
// from the database at scrape time, so each instance reports the same true figure rather than
// what it happened to see.
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import client from 'prom-client';
import { rowsOf, type Queryable } from '@/db/client';
import { DEAD_JOB, LIVE_JOB } from '@/lib/jobs/dead-letters';
import { metrics } from '@/lib/metrics';

function create(registry: client.Registry) {
  return {
    payments: new client.Gauge({
      name: 'malipo_payments',
      help: 'Payments in the database, by method and status (final statuses only grow).',
      labelNames: ['method', 'status'] as const,
      registers: [registry],
    }),
    queued: new client.Gauge({ name: 'malipo_jobs_queued', help: 'Jobs in the queue, by kind.', labelNames: ['kind'] as const, registers: [registry] }),
    due: new client.Gauge({ name: 'malipo_jobs_due', help: 'Jobs due now and not running, by kind.', labelNames: ['kind'] as const, registers: [registry] }),
    oldestDue: new client.Gauge({
      name: 'malipo_jobs_oldest_due_age_seconds',
      help: 'How long the oldest due, unclaimed job of each kind has waited.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    dead: new client.Gauge({
      name: 'malipo_jobs_dead',
      help: 'Dead-letter jobs (failed too often, waiting for staff), by kind.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    workers: new client.Gauge({ name: 'malipo_workers_alive', help: 'Job workers with a heartbeat in the last 30 s.', registers: [registry] }),
    unapplied: new client.Gauge({
      name: 'malipo_gateway_events_unapplied',
      help: 'Stored gateway events not yet applied, by gateway.',
      labelNames: ['gateway'] as const,
      registers: [registry],
    }),
  };
}

const KEY = Symbol.for('malipo.metrics.shared');
type G = typeof globalThis & { [KEY]?: ReturnType<typeof create> };
const shared = () => ((globalThis as G)[KEY] ??= create(metrics.registry));

/** Reads the shared state into the gauges (two round trips). */
export async function refreshSharedGauges(db: Queryable) {
  const g = shared();
  const [payments, jobs] = await Promise.all([
    db.execute(sql`select method, status, count(*) as n from payments group by method, status`),
    db.execute(sql`
      select kind, count(*) as queued,
        count(*) filter (where run_at <= now() and (locked_until is null or locked_until < now()) and ${LIVE_JOB}) as due,
        coalesce(extract(epoch from now() - min(run_at) filter (where run_at <= now() and (locked_until is null or locked_until < now()) and ${LIVE_JOB})), 0) as oldest,
        count(*) filter (where ${DEAD_JOB}) as dead
      from jobs group by kind
      union all
      select '__workers__', count(*), 0, 0, 0 from worker_heartbeats where beat_at > now() - interval '30 seconds'
      union all
      select 'event:' || source, count(*), 0, 0, 0 from gateway_events where processed_at is null group by source`),
  ]);
  for (const m of [g.payments, g.queued, g.due, g.oldestDue, g.dead, g.unapplied]) m.reset();
  for (const r of rowsOf<{ method: string; status: string; n: unknown }>(payments)) g.payments.set({ method: r.method, status: r.status }, Number(r.n));
  for (const r of rowsOf<{ kind: string; queued: unknown; due: unknown; oldest: unknown; dead: unknown }>(jobs)) {
    if (r.kind === '__workers__') g.workers.set(Number(r.queued));
    else if (r.kind.startsWith('event:')) g.unapplied.set({ gateway: r.kind.slice(6) }, Number(r.queued));
    else {
      g.queued.set({ kind: r.kind }, Number(r.queued));
      g.due.set({ kind: r.kind }, Number(r.due));
      g.oldestDue.set({ kind: r.kind }, Number(r.oldest));
      g.dead.set({ kind: r.kind }, Number(r.dead));
    }
  }
}

/** The Prometheus text for a scrape: this instance's counters plus the shared gauges. */
export async function scrape(db: Queryable): Promise<{ body: string; contentType: string }> {
  await refreshSharedGauges(db);
  return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
}

/** Bearer token check in constant time. No METRICS_TOKEN configured: nobody may scrape. */
export function metricsAuthorised(header: string | null, token = process.env.METRICS_TOKEN): boolean {
  if (!token) return false;
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && crypto.timingSafeEqual(given, want) && /^Bearer\s/i.test(header ?? '');
}
