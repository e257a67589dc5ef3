// Stopping a worker on SIGTERM: running jobs get a grace period to finish; whatever is still
// running after it is handed back (due at once, unlocked) for another instance to take.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { jobs } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import { startWorker, type JobHandler } from '@/lib/jobs/worker';
import { freshDatabase } from './db';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a job that finishes within the grace period completes; a slower one is handed back', async () => {
  const db = database.db;
  const finished: string[] = [];
  const handlers: Record<string, JobHandler> = {
    quick: async () => {
      await sleep(300);
      finished.push('quick');
      return { done: true };
    },
    slow: async () => {
      await sleep(5_000);
      finished.push('slow');
      return { done: true };
    },
  };
  await enqueueJob(db, { kind: 'quick', key: 'quick' });
  await enqueueJob(db, { kind: 'slow', key: 'slow' });
  const stop = startWorker(db, handlers, { pollMs: 20, slots: 4 });
  // Both claimed and running.
  await expect.poll(async () => (await db.select().from(jobs)).filter((j) => j.lockedUntil && j.lockedUntil > new Date()).length).toBe(2);
  const began = Date.now();
  await stop(1_000);
  const took = Date.now() - began;
  expect(took).toBeGreaterThanOrEqual(900);
  expect(took).toBeLessThan(2_500);
  expect(finished).toEqual(['quick']);
  expect(await db.select().from(jobs).where(eq(jobs.kind, 'quick'))).toEqual([]); // done and deleted
  const [slow] = await db.select().from(jobs).where(eq(jobs.kind, 'slow'));
  expect(slow).toMatchObject({ lockedUntil: null, lastError: null }); // handed back untouched
  expect(slow.runAt.getTime()).toBeLessThanOrEqual(Date.now());
}, 30_000);

test('with nothing running, stopping returns at once', async () => {
  const stop = startWorker(database.db, {}, { pollMs: 20 });
  await sleep(50);
  const began = Date.now();
  await stop(5_000);
  expect(Date.now() - began).toBeLessThan(500);
});
