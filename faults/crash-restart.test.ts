// The server is SIGKILLed in the middle of a burst of M-Pesa callbacks and Paystack webhooks, then
// restarted. Every message that got a 2xx is applied, none twice; the rest are applied when
// Paystack retries (card) or when reconciliation queries Daraja (M-Pesa).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { callbackToken } from '@/lib/payments/mpesa/callback-token';
import { seed } from '@/db/seed';
import { freshDatabase } from '@/tests/db';
import { ensureBuild, pool, randomSecret, startApp, type AppServer } from './app-server';
import { bookings, paystackSuccessBody, pendingPayments, stkSuccessBody, storedCallbacks, type PendingPayment } from './fixtures';

process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
const PORT = 3211;
const secret = randomSecret();
let database: Awaited<ReturnType<typeof freshDatabase>>;
let app: AppServer | undefined;

beforeAll(async () => {
  ensureBuild();
  database = await freshDatabase();
  await seed(database.db);
});
afterAll(async () => {
  await app?.kill();
  await database?.close();
});

type Sent = { p: PendingPayment; status: number | null };

test('SIGKILL mid-burst: acknowledged callbacks applied once, the rest recovered', async () => {
  const mpesa = await pendingPayments(database.db, 40, 'mpesa');
  const card = await pendingPayments(database.db, 40, 'card');
  const env = { MPESA_RECONCILE_EVERY_SECONDS: '1', MALIPO_WORKER_POLL_MS: '200' };
  app = await startApp({ port: PORT, databaseUrl: database.url!, secret, env });
  const paystackKey = paystackConfigFromEnv({ AUTH_SECRET: secret } as unknown as NodeJS.ProcessEnv, app.origin).secretKey;

  const send = async (p: PendingPayment): Promise<number | null> => {
    try {
      const res =
        p.method === 'mpesa'
          ? await fetch(`${app!.origin}/api/v1/payments/stk/callback/${p.id}/${callbackToken(p.id, secret)}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: stkSuccessBody(p, `UKP${p.id.replace(/-/g, '').slice(0, 7).toUpperCase()}`),
            })
          : await fetch(`${app!.origin}/api/v1/payments/paystack/webhook`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-paystack-signature': signPaystackBody(body(p), paystackKey) },
              body: body(p),
            });
      return res.status;
    } catch {
      return null; // connection reset: no answer
    }
  };
  const bodies = new Map<string, string>();
  const body = (p: PendingPayment) => bodies.get(p.id) ?? (bodies.set(p.id, paystackSuccessBody(p)), bodies.get(p.id)!);

  const all = [...mpesa, ...card].sort(() => Math.random() - 0.5);
  let sentCount = 0;
  const killer = (async () => {
    while (sentCount < all.length / 3) await new Promise((r) => setTimeout(r, 5));
    await app!.kill('SIGKILL');
  })();
  const sent: Sent[] = await pool(all, 8, async (p) => {
    sentCount++;
    return { p, status: await send(p) };
  });
  await killer;
  const acked = sent.filter((s) => s.status !== null && s.status >= 200 && s.status < 300);
  const unanswered = sent.filter((s) => !(s.status !== null && s.status >= 200 && s.status < 300));
  console.log(`[crash] ${acked.length} acknowledged, ${unanswered.length} unanswered before SIGKILL`);
  expect(acked.length).toBeGreaterThan(0);
  expect(unanswered.length).toBeGreaterThan(0);

  // Everything acknowledged is durable (checked before any recovery): an M-Pesa callback or a
  // Paystack webhook is stored with its apply job in the same commit, so it is either applied
  // already or still queued, never lost.
  let state = await bookings(database.db, all.map((p) => p.id));
  const stored = await storedCallbacks(database.db, all.map((p) => p.id));
  for (const s of acked) {
    const b = state.get(s.p.id)!;
    expect(stored.get(s.p.id)?.events, s.p.method).toBe(1);
    if (b.status === 'completed') expect(b).toMatchObject({ credited: 100_000, lines: 1 });
    else expect(stored.get(s.p.id), s.p.method).toMatchObject({ queued: 1 });
  }
  for (const method of ['mpesa', 'card'] as const) {
    const queued = acked.filter((s) => s.p.method === method && stored.get(s.p.id)?.queued).length;
    console.log(`[crash] acknowledged ${method} messages still queued at the kill: ${queued}`);
  }

  // Restart. Paystack retries what got no 2xx; the M-Pesa sweep queries Daraja (the emulator).
  app = await startApp({ port: PORT, databaseUrl: database.url!, secret, env });
  await database.db.execute(sql`update jobs set run_at = now() where kind = 'mpesa.reconcile'`);
  for (const s of unanswered.filter((u) => u.p.method === 'card')) expect(await send(s.p)).toBe(200);
  // Duplicates of already-acknowledged webhooks change nothing.
  for (const s of acked.filter((a) => a.p.method === 'card').slice(0, 5)) expect(await send(s.p)).toBe(200);

  const deadline = Date.now() + 60_000;
  for (;;) {
    state = await bookings(database.db, all.map((p) => p.id));
    if ([...state.values()].every((b) => b.status === 'completed') || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const p of all) expect(state.get(p.id), p.method).toMatchObject({ status: 'completed', credited: 100_000, lines: 1 });
}, 180_000);
