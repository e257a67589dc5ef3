// Background machinery that must hold with several app instances on one database: the job queue
// hands each job to exactly one worker, and status changes reach listeners through NOTIFY.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { jobs } from '@/db/schema';
import { openDatabase, type DatabaseHandle } from '@/db/client';
import { claimJobs, enqueueJob, JOBS_CHANNEL, URGENT } from '@/lib/jobs/queue';
import { runDueJobs, startWorker, wakeWorkers, type JobHandler } from '@/lib/jobs/worker';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { createStatusHub, type PaymentStatusEvent } from '@/lib/realtime';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

test('each queued job runs exactly once across competing workers', async () => {
  for (let i = 0; i < 30; i++) await enqueueJob(h.db, { kind: 'count', key: `count:${i}`, payload: { i } });
  expect(await enqueueJob(h.db, { kind: 'count', key: 'count:0' })).toBe(false); // keyed: no duplicate
  const seen: number[] = [];
  const handlers: Record<string, JobHandler> = {
    count: async (_db, job) => {
      seen.push((job.payload as { i: number }).i);
      await new Promise((r) => setTimeout(r, 5));
      return { done: true };
    },
  };
  // A second connection pool plays a second app instance (PostgreSQL); PGlite has one connection.
  let second: DatabaseHandle | undefined;
  if (h.database.kind === 'postgres') second = await openDatabase({ url: h.database.url! });
  const workers = [h.db, second?.db ?? h.db, h.db, second?.db ?? h.db];
  let rounds = 0;
  while ((await h.db.select({ n: sql<number>`count(*)::int` }).from(jobs).where(eq(jobs.kind, 'count')))[0].n > 0 && rounds++ < 20) {
    await Promise.all(workers.map((db) => runDueJobs(db, handlers, 4)));
  }
  await second?.close();
  expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
});

test('a NOTIFY wakes an idle worker at once, and it never runs more than its slots at a time', async () => {
  let running = 0;
  let most = 0;
  const done: number[] = [];
  const handlers: Record<string, JobHandler> = {
    slow: async (_db, job) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      done.push((job.payload as { i: number }).i);
      return { done: true };
    },
  };
  // Polling every minute: only the wake-up can explain a prompt start.
  const stop = startWorker(h.db, handlers, { pollMs: 60_000, slots: 3, listen: (wake) => h.database.listen(JOBS_CHANNEL, wake) });
  try {
    await new Promise((r) => setTimeout(r, 100)); // LISTEN is up
    const t0 = Date.now();
    for (let i = 0; i < 12; i++) await enqueueJob(h.db, { kind: 'slow', key: `slow:${i}`, payload: { i } });
    await h.db.execute(sql`select pg_notify(${JOBS_CHANNEL}, '')`);
    while (done.length < 12 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
    // Each finished job's row is deleted right after its handler returns.
    const left = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(jobs).where(eq(jobs.kind, 'slow')))[0].n;
    while ((await left()) > 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
    expect(await left()).toBe(0);
  } finally {
    await stop();
  }
});

test('a job queued in this process wakes its own worker directly, without NOTIFY', async () => {
  const ran: number[] = [];
  // No LISTEN and a one-minute poll: only the direct wake-up can start the job promptly.
  const stop = startWorker(h.db, { local: async () => (ran.push(Date.now()), { done: true }) }, { pollMs: 60_000 });
  try {
    const t0 = Date.now();
    await enqueueJob(h.db, { kind: 'local', key: 'local:1' });
    await wakeWorkers(h.db);
    while (ran.length === 0 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
    expect(ran).toHaveLength(1);
    expect(ran[0] - t0).toBeLessThan(2_000);
  } finally {
    await stop();
  }
  await wakeWorkers(h.db); // no worker here any more: falls back to NOTIFY, harmlessly
});

test('urgent jobs are claimed before older ordinary ones', async () => {
  for (let i = 0; i < 5; i++) await enqueueJob(h.db, { kind: 'email', key: `email:${i}`, runAt: new Date(Date.now() - 60_000) });
  await enqueueJob(h.db, { kind: 'callback', key: 'callback:1', priority: URGENT });
  // Which jobs a claim takes is the point (an UPDATE ... RETURNING has no order of its own).
  const [first] = await claimJobs(h.db, 1, 60, ['email', 'callback']);
  expect(first.kind).toBe('callback');
  const [second] = await claimJobs(h.db, 1, 60, ['email', 'callback']);
  expect(second.kind).toBe('email');
  await h.db.delete(jobs).where(sql`${jobs.kind} in ('email', 'callback')`);
});

test('a failing job is kept and retried later, not lost', async () => {
  await enqueueJob(h.db, { kind: 'flaky', key: 'flaky:1' });
  let calls = 0;
  await runDueJobs(h.db, { flaky: async () => { calls++; throw new Error('gateway down'); } });
  const [job] = await h.db.select().from(jobs).where(eq(jobs.key, 'flaky:1'));
  expect(calls).toBe(1);
  expect(job.attempts).toBe(1);
  expect(job.lastError).toMatch(/gateway down/);
  expect(job.runAt.getTime()).toBeGreaterThan(Date.now());
});

test('a status change is pushed to listeners through LISTEN/NOTIFY', async () => {
  const hub = createStatusHub(Promise.resolve(h.database));
  const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 100_000, phone: '0712345678' });
  if (!r.ok) throw new Error(r.error);
  const events: PaymentStatusEvent[] = [];
  const unsubscribe = await hub.subscribe(r.payment.id, (e) => events.push(e));
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
  const t0 = Date.now();
  await respondToPrompt(h.db, prompt.id, 'pin');
  await expect.poll(() => events.length, { timeout: 2000 }).toBe(1);
  expect(events[0]).toEqual({ id: r.payment.id, status: 'completed' });
  expect(Date.now() - t0).toBeLessThan(1000);
  unsubscribe();
  await hub.close();
});

