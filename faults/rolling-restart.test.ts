// A rolling restart of two instances during a callback burst: each instance in turn gets SIGTERM
// (drains: readiness 503, worker stops claiming and finishes or hands back its jobs, heartbeat row
// removed) and must exit within 10 s, then starts again. The sender behaves like a load balancer
// in front of both: a refused connection or a 5xx is retried on the other instance. Nothing may be
// lost and nothing booked twice.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '@/db/client';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { callbackToken } from '@/lib/payments/mpesa/callback-token';
import { seed } from '@/db/seed';
import { freshDatabase } from '@/tests/db';
import { ensureBuild, pool, randomSecret, startApp, type AppServer } from './app-server';
import { bookings, paystackSuccessBody, pendingPayments, stkSuccessBody, storedCallbacks, type PendingPayment } from './fixtures';

process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
const PORTS = [3213, 3214];
const secret = randomSecret();
const env = { MALIPO_WORKER_POLL_MS: '200' };
let database: Awaited<ReturnType<typeof freshDatabase>>;
const apps: (AppServer | undefined)[] = [];

beforeAll(async () => {
  ensureBuild();
  database = await freshDatabase();
  await seed(database.db);
});
afterAll(async () => {
  for (const a of apps) await a?.kill();
  await database?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('rolling restart of two instances mid-burst: every callback applied exactly once, each exit within 10 s', async () => {
  const mpesa = await pendingPayments(database.db, 50, 'mpesa');
  const card = await pendingPayments(database.db, 50, 'card');
  const start = (i: number) => startApp({ port: PORTS[i], databaseUrl: database.url!, secret, env });
  [apps[0], apps[1]] = await Promise.all([start(0), start(1)]);
  const paystackKey = paystackConfigFromEnv({ AUTH_SECRET: secret } as unknown as NodeJS.ProcessEnv, apps[0]!.origin).secretKey;
  const bodies = new Map<string, string>();
  const bodyOf = (p: PendingPayment) => {
    if (!bodies.has(p.id)) bodies.set(p.id, p.method === 'mpesa' ? stkSuccessBody(p, `RRS${p.id.replace(/-/g, '').slice(0, 7).toUpperCase()}`) : paystackSuccessBody(p));
    return bodies.get(p.id)!;
  };
  const post = async (origin: string, p: PendingPayment): Promise<number> => {
    const body = bodyOf(p);
    try {
      const res =
        p.method === 'mpesa'
          ? await fetch(`${origin}/api/v1/payments/stk/callback/${p.id}/${callbackToken(p.id, secret)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
          : await fetch(`${origin}/api/v1/payments/paystack/webhook`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-paystack-signature': signPaystackBody(body, paystackKey) },
              body,
            });
      await res.body?.cancel();
      return res.status;
    } catch {
      return 0; // refused or reset: the instance is gone
    }
  };
  const stats = { retried: 0, sends: 0 };
  /** A load balancer: a random instance first, then the other, until one says 2xx. */
  const deliver = async (p: PendingPayment) => {
    let i = Math.floor(Math.random() * 2);
    for (let attempt = 0; attempt < 60; attempt++, i = 1 - i) {
      stats.sends++;
      const status = await post(`http://localhost:${PORTS[i]}`, p);
      if (status >= 200 && status < 300) return status;
      expect(status === 0 || status >= 500, `a good callback got ${status}`).toBe(true);
      stats.retried++;
      await sleep(100);
    }
    throw new Error(`callback for ${p.id} never acknowledged`);
  };

  // The burst: every callback once, spread over the restarts, plus a duplicate of one in five.
  const all = [...mpesa, ...card].sort(() => Math.random() - 0.5);
  const work = [...all, ...all.filter((_, i) => i % 5 === 0)];
  let restarting = true;
  const burst = pool(work, 4, async (p) => {
    await deliver(p);
    await sleep(restarting ? 150 : 0);
  });

  const exits: { instance: number; ms: number; code: number | null; drained: boolean }[] = [];
  for (const i of [0, 1]) {
    await sleep(1500);
    const app = apps[i]!;
    const began = Date.now();
    await app.kill('SIGTERM');
    exits.push({ instance: i, ms: Date.now() - began, code: app.child.exitCode, drained: /"event":"shutdown.drained"/.test(app.output()) });
    console.log(app.output().split('\n').filter((l) => /shutdown|handed_back/.test(l)).join('\n'));
    apps[i] = await start(i);
  }
  restarting = false;
  await burst;
  console.log(`[rolling] exits ${JSON.stringify(exits)}; ${stats.sends} sends, ${stats.retried} retried on the other instance`);
  for (const e of exits) {
    expect(e.ms).toBeLessThan(10_000);
    expect(e.drained).toBe(true);
    expect(e.code).toBe(143); // Next's exit code for a SIGTERM it handled, after our drain
  }

  // Every callback is applied, exactly once.
  const ids = all.map((p) => p.id);
  const deadline = Date.now() + 60_000;
  let state = await bookings(database.db, ids);
  while ([...state.values()].some((b) => b.status !== 'completed') && Date.now() < deadline) {
    await sleep(500);
    state = await bookings(database.db, ids);
  }
  for (const p of all) expect(state.get(p.id), `${p.method} ${p.id}`).toEqual({ status: 'completed', credited: 100_000, lines: 1 });
  const stored = await storedCallbacks(database.db, mpesa.map((p) => p.id));
  for (const p of mpesa) expect(stored.get(p.id)).toEqual({ events: 1, queued: 0 });
  const [left] = rowsOf<{ n: unknown }>(await database.db.execute(sql`select count(*) as n from jobs where kind = 'payments.apply-stk-callback'`));
  expect(Number(left.n)).toBe(0);
  // The stopped instances removed their heartbeats; the two running ones keep theirs fresh.
  const beats = rowsOf<{ fresh: boolean }>(await database.db.execute(sql`select beat_at > now() - interval '30 seconds' as fresh from worker_heartbeats`));
  expect(beats).toEqual([{ fresh: true }, { fresh: true }]);
  for (const a of apps) expect((await fetch(`${a!.origin}/api/health/ready`)).status).toBe(200);
}, 240_000);
