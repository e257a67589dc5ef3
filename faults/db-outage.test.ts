// PostgreSQL becomes unreachable for a few seconds during a webhook burst. Webhooks then answer
// 5xx (so Paystack retries), nothing is half-written, and the same process recovers by itself.
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { seed } from '@/db/seed';
import { freshDatabase } from '@/tests/db';
import { ensureBuild, pool, randomSecret, startApp, type AppServer } from './app-server';
import { bookings, paystackSuccessBody, pendingPayments, storedCallbacks } from './fixtures';

process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
const PORT = 3212;
const secret = randomSecret();
let database: Awaited<ReturnType<typeof freshDatabase>>;
let app: AppServer | undefined;
let proxy: ReturnType<typeof tcpProxy> | undefined;

/** A loopback TCP proxy to PostgreSQL that can drop every connection and refuse new ones. */
function tcpProxy(target: { host: string; port: number }) {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return {
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port))),
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

beforeAll(async () => {
  ensureBuild();
  database = await freshDatabase();
  await seed(database.db);
});
afterAll(async () => {
  await app?.kill();
  await proxy?.close();
  await database?.close();
});

test('database unreachable mid-burst: 5xx while down, no half-written payment, recovers without restart', async () => {
  const card = await pendingPayments(database.db, 60, 'card');
  const real = new URL(database.url!);
  proxy = tcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
  const proxied = new URL(database.url!);
  proxied.port = String(await proxy.listen());
  // With its worker: a webhook is stored and queued in one statement, answered, then applied by the worker.
  app = await startApp({ port: PORT, databaseUrl: proxied.toString(), secret, env: { MALIPO_WORKER_POLL_MS: '200' } });
  const key = paystackConfigFromEnv({ AUTH_SECRET: secret } as unknown as NodeJS.ProcessEnv, app.origin).secretKey;
  const bodies = new Map(card.map((p) => [p.id, paystackSuccessBody(p)]));
  const send = async (id: string) => {
    try {
      const b = bodies.get(id)!;
      const res = await fetch(`${app!.origin}/api/v1/payments/paystack/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-paystack-signature': signPaystackBody(b, key) },
        body: b,
        signal: AbortSignal.timeout(20_000),
      });
      return res.status;
    } catch {
      return 0;
    }
  };

  let n = 0;
  const outage = (async () => {
    while (n < 15) await new Promise((r) => setTimeout(r, 5));
    proxy!.cut();
    await new Promise((r) => setTimeout(r, 3000));
    proxy!.restore();
  })();
  const statuses = await pool(card, 4, async (p) => {
    n++;
    const s = await send(p.id);
    await new Promise((r) => setTimeout(r, 40)); // spread the burst across the outage
    return s;
  });
  await outage;
  const failed = card.filter((_, i) => statuses[i] !== 200);
  console.log(`[outage] ${statuses.filter((s) => s === 200).length} ok, ${failed.length} refused (${[...new Set(statuses)].join(',')})`);
  expect(failed.length).toBeGreaterThan(0);
  expect(statuses.every((s) => s === 200 || s >= 500)).toBe(true); // never a 4xx for a good webhook

  // Nothing half-written: a payment is either completed with its ledger line or untouched, and
  // every webhook answered 200 is stored (applied already, or still queued for the worker).
  let state = await bookings(database.db, card.map((p) => p.id));
  const stored = await storedCallbacks(database.db, card.map((p) => p.id));
  for (const [i, p] of card.entries()) {
    const b = state.get(p.id)!;
    if (statuses[i] === 200) expect(stored.get(p.id)?.events, p.id).toBe(1);
    expect([b.status === 'completed' && b.lines === 1, b.status === 'pending' && b.lines === 0]).toContain(true);
  }
  const [orphans] = await database.db.execute<{ n: number }>(
    sql`select count(*)::int as n from ledger_entries l join payments p on p.id = l.payment_id where p.status <> 'completed'`,
  ).then((r) => (Array.isArray(r) ? r : (r as unknown as { rows: { n: number }[] }).rows));
  expect(orphans.n).toBe(0);

  // Paystack retries; the same server process answers them now that the database is back, and its
  // worker applies everything queued.
  for (const p of failed) expect(await send(p.id)).toBe(200);
  const deadline = Date.now() + 60_000;
  do {
    await new Promise((r) => setTimeout(r, 300));
    state = await bookings(database.db, card.map((p) => p.id));
  } while (![...state.values()].every((b) => b.status === 'completed') && Date.now() < deadline);
  for (const p of card) expect(state.get(p.id)).toMatchObject({ status: 'completed', credited: 100_000, lines: 1 });
  expect(app.child.exitCode).toBeNull(); // no restart was needed
}, 180_000);
