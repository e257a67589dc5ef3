// Liveness and readiness through the route handlers, against the test database: readiness turns
// 503 when the database is unreachable, the worker heartbeat is stale, migrations are behind, the
// queue is stuck or the instance is stopping, and 200 again once the cause is gone.
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type DatabaseHandle } from '@/db/client';
import { jobs, workerHeartbeats } from '@/db/schema';
import { beat, startHeartbeat } from '@/lib/jobs/heartbeat';
import { beginShutdown, resetShutdownState } from '@/lib/server/shutdown-state';
import { GET as live } from '@/app/api/health/live/route';
import { GET as ready } from '@/app/api/health/ready/route';
import { startHarness, useAsAppDatabase, type Harness } from './harness';

let h: Harness;
const KEY = Symbol.for('malipo.database');
const setAppDatabase = (p: Promise<DatabaseHandle>) => ((globalThis as Record<symbol, unknown>)[KEY] = p);

beforeAll(async () => {
  h = await startHarness();
  process.env.HEALTH_DB_TIMEOUT_MS = '1500';
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  useAsAppDatabase(h);
  resetShutdownState();
  await h.db.delete(workerHeartbeats);
});

async function readiness() {
  const res = await ready();
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
  return { code: res.status, ...body };
}

test('live answers without the database', async () => {
  setAppDatabase(new Promise<DatabaseHandle>(() => {})); // a database that never answers
  const res = live();
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok' });
});

test('ready: 503 without a worker heartbeat, 200 with a fresh one, 503 when it goes stale, 200 again', async () => {
  let r = await readiness();
  expect(r.code).toBe(503);
  expect(r.checks.worker).toMatchObject({ ok: false, detail: 'no worker has ever reported' });
  expect(r.checks.database.ok && r.checks.migrations.ok && r.checks.queue.ok).toBe(true);

  await beat(h.db, 'test-worker');
  r = await readiness();
  expect(r).toMatchObject({ code: 200, status: 'ready' });
  expect(r.checks.worker.ok).toBe(true);

  await h.db.update(workerHeartbeats).set({ beatAt: sql`now() - interval '45 seconds'` });
  r = await readiness();
  expect(r.code).toBe(503);
  expect(r.checks.worker.ok).toBe(false);
  expect(r.checks.worker.detail).toMatch(/newest heartbeat is 4[5-9] s old/);

  await beat(h.db, 'test-worker');
  expect((await readiness()).code).toBe(200);
});

test('the heartbeat module stamps at start and removes its row when stopped', async () => {
  const stop = startHeartbeat(h.db, { instance: 'hb-module-test', everyMs: 50 });
  await expect.poll(async () => (await h.db.select().from(workerHeartbeats).where(eq(workerHeartbeats.instance, 'hb-module-test'))).length).toBe(1);
  expect((await readiness()).code).toBe(200);
  await stop();
  expect(await h.db.select().from(workerHeartbeats)).toEqual([]);
  expect((await readiness()).code).toBe(503);
});

test('ready: 503 while a due job waits longer than the limit (queue stuck), 200 once it runs', async () => {
  await beat(h.db, 'test-worker');
  const [stuck] = await h.db.insert(jobs).values({ kind: 'health.test', runAt: new Date(Date.now() - 10 * 60_000) }).returning();
  let r = await readiness();
  expect(r.code).toBe(503);
  expect(r.checks.queue.detail).toMatch(/^stuck: oldest due job waiting 6\d\d s/);
  await h.db.delete(jobs).where(eq(jobs.id, stuck.id));
  r = await readiness();
  expect(r.code).toBe(200);
});

test('ready: 503 when the database lacks a migration this build ships', async () => {
  await beat(h.db, 'test-worker');
  const [latest] = rowsOf<{ id: number; hash: string; created_at: string }>(
    await h.db.execute(sql`select id, hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`),
  );
  await h.db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${latest.id}`);
  const r = await readiness();
  expect(r.code).toBe(503);
  expect(r.checks.migrations.detail).toMatch(/^behind/);
  await h.db.execute(sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${latest.id}, ${latest.hash}, ${latest.created_at})`);
  expect((await readiness()).code).toBe(200);
});

test('ready: 503 once the instance begins shutting down', async () => {
  await beat(h.db, 'test-worker');
  expect((await readiness()).code).toBe(200);
  beginShutdown();
  const r = await readiness();
  expect(r.code).toBe(503);
  expect(r.checks.shutdown).toEqual({ ok: false, detail: 'this instance is shutting down' });
});

test('ready: 503 when the database is unreachable, 200 again when it is back', async () => {
  await beat(h.db, 'test-worker');
  if (h.database.url) {
    // PostgreSQL: the app's connections go through a proxy we can cut, as a network failure would.
    const proxy = tcpProxy(new URL(h.database.url));
    const port = await proxy.listen();
    const via = new URL(h.database.url);
    via.host = `127.0.0.1:${port}`;
    const handle = await openDatabase({ url: via.toString(), max: 2 });
    setAppDatabase(Promise.resolve(handle));
    try {
      expect((await readiness()).code).toBe(200);
      proxy.cut();
      const started = Date.now();
      const r = await readiness();
      expect(r.code).toBe(503);
      expect(r.checks.database.ok).toBe(false);
      expect(r.checks.worker).toMatchObject({ ok: false, detail: 'not checked: database unreachable' });
      expect(Date.now() - started).toBeLessThan(3000); // bounded by HEALTH_DB_TIMEOUT_MS
      proxy.restore();
      await expect.poll(async () => (await readiness()).code, { timeout: 15_000, interval: 250 }).toBe(200);
    } finally {
      proxy.restore();
      await handle.close();
      await proxy.close();
    }
  } else {
    // Embedded PGlite cannot be cut off; a closed instance stands in for an unreachable server.
    const closed = await openDatabase({ memory: true });
    await closed.close();
    setAppDatabase(Promise.resolve(closed));
    const r = await readiness();
    expect(r.code).toBe(503);
    expect(r.checks.database.ok).toBe(false);
    useAsAppDatabase(h);
    expect((await readiness()).code).toBe(200);
  }
  // A database that never answers at all (connection hangs) still gets a prompt 503.
  setAppDatabase(new Promise<DatabaseHandle>(() => {}));
  const started = Date.now();
  expect((await readiness()).code).toBe(503);
  expect(Date.now() - started).toBeLessThan(3000);
  useAsAppDatabase(h);
  expect((await readiness()).code).toBe(200);
});

/** A loopback TCP proxy that can drop every connection and refuse new ones. */
function tcpProxy(target: URL) {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
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
