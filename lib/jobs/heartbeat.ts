// The job worker's heartbeat: each instance running a worker stamps its row in worker_heartbeats
// every few seconds. Readiness asks whether any stamp is fresh, so an instance that only serves
// web requests still knows whether callbacks are being applied somewhere.
import os from 'node:os';
import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { workerHeartbeats } from '@/db/schema';
import { log } from '@/lib/log';

export const HEARTBEAT_EVERY_MS = 5_000;

/** This process's name in the heartbeat table (host, pid and a random part survive pid reuse). */
export const instanceId = () => `${os.hostname()}:${process.pid}:${INSTANCE_SUFFIX}`;
const INSTANCE_SUFFIX = crypto.randomUUID().slice(0, 8);

export async function beat(db: Db, instance = instanceId()) {
  await db
    .insert(workerHeartbeats)
    .values({ instance, host: os.hostname(), pid: process.pid })
    .onConflictDoUpdate({ target: workerHeartbeats.instance, set: { beatAt: sql`now()` } });
}

/** Stamps now and every `everyMs`; the returned stop removes this instance's row. */
export function startHeartbeat(db: Db, opts: { everyMs?: number; instance?: string } = {}) {
  const instance = opts.instance ?? instanceId();
  let failing = false;
  const tick = async () => {
    try {
      await beat(db, instance);
      if (failing) log.info({ event: 'heartbeat.recovered', instance }, 'worker heartbeat recorded again');
      failing = false;
      // Rows of instances gone for a day are history, not state.
      if (Math.random() < 0.01) await db.delete(workerHeartbeats).where(lt(workerHeartbeats.beatAt, sql`now() - interval '1 day'`));
    } catch (err) {
      if (!failing) log.warn({ event: 'heartbeat.failed', instance, err }, 'worker heartbeat could not be recorded');
      failing = true;
    }
  };
  void tick();
  const timer = setInterval(tick, opts.everyMs ?? HEARTBEAT_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await db.delete(workerHeartbeats).where(eq(workerHeartbeats.instance, instance)).catch(() => {});
  };
}
