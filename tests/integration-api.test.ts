// The insurer's integration API: keys (scopes, revocation, only a hash at rest), policy upserts by
// the book import's rules, idempotency keys, the commit-ordered change feed under two transactions
// that commit out of order, and the outbox (an event commits with its change, never without).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf } from '@/db/client';
import { apiKeys, changes, idempotencyKeys, integrationEvents } from '@/db/integration-schema';
import { bookImports, installments, payments, policies, refunds, users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { changedSince, stampChanges } from '@/lib/integration/changes';
import { createApiKey, hashApiKey, revokeApiKey } from '@/lib/integration/keys';
import { openApiDocument } from '@/lib/integration/openapi';
import { getPolicyRoute, listPaymentsRoute, putPolicyRoute } from '@/lib/integration/routes';
import { closeUnpaid, completePayment } from '@/lib/payments/core/outcomes';
import { moveRefund } from '@/lib/refunds/status';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let admin: Viewer;
let finance: Viewer;
const keys: Record<string, string> = {};

const viewer = async (email: string): Promise<Viewer> => {
  const [u] = await h.db.select().from(users).where(eq(users.email, email));
  return { userId: u.id, role: u.role };
};

async function newKey(name: string, scopes: string[]) {
  const r = await createApiKey(h.db, admin, { name, scopes });
  if (!r.ok || !('key' in r) || !r.key) throw new Error(`key not created: ${JSON.stringify(r)}`);
  return { key: r.key, id: r.id! };
}

const req = (path: string, key: string | null, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  new Request(`http://127.0.0.1${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });

const feed = async (key: string, since?: string) => {
  const res = await listPaymentsRoute(req(`/api/v1/payments${since ? `?since=${since}` : ''}`, key), h.db);
  expect(res.status).toBe(200);
  return (await res.json()) as { data: { object: string; id: string; status: string; cursor: string }[]; next_cursor: string; has_more: boolean };
};

let seq = 0;
async function pendingPayment() {
  const tag = `${Date.now().toString(36)}${++seq}`.toUpperCase();
  const [policy] = await h.db.insert(policies).values({ number: `INT-${tag}`, product: 'Integration cover', holderId: h.holder.userId, premiumMinor: 50_000 }).returning();
  await h.db.insert(installments).values({ policyId: policy.id, seq: 1, dueDate: '2026-12-31', amountMinor: 50_000 });
  const [payment] = await h.db
    .insert(payments)
    .values({ reference: `MLP-INT-${tag}`, userId: h.holder.userId, policyId: policy.id, method: 'mpesa', amountMinor: 50_000, phone: '254712345678', merchantRequestId: `int-mr-${tag}`, checkoutRequestId: `ws_CO_INT${tag}` })
    .returning();
  return payment;
}

const policyBody = (over: Record<string, unknown> = {}) => ({
  holder: { client_id: 'API-C-1', name: 'Neema Wairimu', phone: '0711000444', email: 'neema.api@example.com', national_id: '30111222' },
  product: 'Education Savings Plan',
  status: 'active',
  start_date: '2026-01-01',
  end_date: '2030-12-31',
  installments: [
    { due_date: '2026-03-01', amount_minor: 250_000 },
    { due_date: '2026-06-01', amount_minor: 250_000 },
  ],
  ...over,
});

beforeAll(async () => {
  h = await startHarness();
  admin = await viewer(DEMO_USERS.admin.email);
  finance = await viewer(DEMO_USERS.staff.email);
  keys.all = (await newKey('Core system', ['policies:write', 'payments:read'])).key;
  keys.payments = (await newKey('Finance reader', ['payments:read'])).key;
  keys.policies = (await newKey('Book sync', ['policies:write'])).key;
});
afterAll(async () => {
  await h?.close();
});

describe('API keys', () => {
  test('only administrators create keys; the key is shown once and only its hash is stored', async () => {
    const refused = await createApiKey(h.db, finance, { name: 'Nope', scopes: ['payments:read'] });
    expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
    const { key, id } = await newKey('Hash check', ['payments:read']);
    expect(key).toMatch(/^mlp_key_[A-Za-z0-9_-]{43}$/);
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row.keyHash).toBe(hashApiKey(key));
    // Nothing at rest contains the key itself.
    const dump = JSON.stringify(rowsOf(await h.db.execute(sql`select * from api_keys`)));
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(14));
  });

  test('401 without a key or with a wrong one, 403 without the scope, and last use is recorded', async () => {
    const none = await listPaymentsRoute(req('/api/v1/payments', null), h.db);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String), field: 'Authorization' } });
    expect((await listPaymentsRoute(req('/api/v1/payments', 'mlp_key_not-a-real-key'), h.db)).status).toBe(401);
    const noScope = await listPaymentsRoute(req('/api/v1/payments', keys.policies), h.db);
    expect(noScope.status).toBe(403);
    expect((await noScope.json()).error.code).toBe('forbidden');
    const putNoScope = await putPolicyRoute(req('/api/v1/policies/X-1', keys.payments, { method: 'PUT', body: policyBody() }), 'X-1', h.db);
    expect(putNoScope.status).toBe(403);
    await feed(keys.payments);
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(keys.payments)));
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });

  test('a revoked key stops working at once', async () => {
    const { key, id } = await newKey('Short-lived', ['payments:read']);
    await feed(key);
    expect(await revokeApiKey(h.db, admin, id)).toMatchObject({ ok: true });
    expect((await listPaymentsRoute(req('/api/v1/payments', key), h.db)).status).toBe(401);
    expect(await revokeApiKey(h.db, admin, id)).toMatchObject({ ok: false, code: 'not_found' });
  });

  test('per-key rate limit answers 429 with Retry-After', async () => {
    const { key } = await newKey('Chatty', ['payments:read']);
    process.env.RATE_LIMIT_API_PER_KEY = '2';
    try {
      expect((await listPaymentsRoute(req('/api/v1/payments', key), h.db)).status).toBe(200);
      expect((await listPaymentsRoute(req('/api/v1/payments', key), h.db)).status).toBe(200);
      const third = await listPaymentsRoute(req('/api/v1/payments', key), h.db);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await third.json()).error.code).toBe('rate_limited');
      // Another key is not affected.
      expect((await listPaymentsRoute(req('/api/v1/payments', keys.all), h.db)).status).toBe(200);
    } finally {
      delete process.env.RATE_LIMIT_API_PER_KEY;
    }
  });
});

describe('PUT /api/v1/policies/{number}', () => {
  test('creates, reads back, and is unchanged on the same body; a policy.updated event is written with it', async () => {
    const before = await h.db.select().from(integrationEvents).where(eq(integrationEvents.type, 'policy.updated'));
    const put = await putPolicyRoute(req('/api/v1/policies/API-EDU-1', keys.all, { method: 'PUT', body: policyBody() }), 'API-EDU-1', h.db);
    expect(put.status).toBe(201);
    const created = await put.json();
    expect(created.result).toBe('created');
    expect(created.policy).toMatchObject({ number: 'API-EDU-1', client_id: 'API-C-1', premium_minor: 500_000, balance_minor: 500_000 });
    expect(created.policy.installments.map((i: { due_date: string; amount_minor: number }) => [i.due_date, i.amount_minor])).toEqual([
      ['2026-03-01', 250_000],
      ['2026-06-01', 250_000],
    ]);
    const events = await h.db.select().from(integrationEvents).where(eq(integrationEvents.type, 'policy.updated'));
    expect(events.length).toBe(before.length + 1);
    expect(events.at(-1)!.data).toMatchObject({ number: 'API-EDU-1', change: 'created' });

    const again = await putPolicyRoute(req('/api/v1/policies/API-EDU-1', keys.all, { method: 'PUT', body: policyBody() }), 'API-EDU-1', h.db);
    expect(again.status).toBe(200);
    expect((await again.json()).result).toBe('unchanged');

    const changed = await putPolicyRoute(
      req('/api/v1/policies/API-EDU-1', keys.all, { method: 'PUT', body: policyBody({ installments: [{ due_date: '2026-03-01', amount_minor: 300_000 }] }) }),
      'API-EDU-1',
      h.db,
    );
    expect(changed.status).toBe(200);
    const body = await changed.json();
    expect(body.result).toBe('updated');
    // The withdrawn installment is gone from the schedule; the ledger says what is owed.
    expect(body.policy.installments).toHaveLength(1);
    expect(body.policy.balance_minor).toBe(300_000);

    const get = await getPolicyRoute(req('/api/v1/policies/API-EDU-1', keys.all), 'API-EDU-1', h.db);
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ number: 'API-EDU-1', premium_minor: 300_000, standing: { tone: expect.any(String), text: expect.any(String) } });
    expect((await getPolicyRoute(req('/api/v1/policies/NOPE-1', keys.all), 'NOPE-1', h.db)).status).toBe(404);
    // API writes are not listed as file imports in the console.
    const { listImports } = await import('@/lib/book/imports');
    expect((await listImports(h.db, admin)).some((i) => i.fileName.startsWith('API:'))).toBe(false);
  });

  test('the import\'s validation answers 422 naming the field; bad JSON 400; another holder\'s policy 409', async () => {
    const badPhone = await putPolicyRoute(
      req('/api/v1/policies/API-BAD-1', keys.all, { method: 'PUT', body: policyBody({ holder: { ...policyBody().holder, phone: '12345' } }) }),
      'API-BAD-1',
      h.db,
    );
    expect(badPhone.status).toBe(422);
    expect(await badPhone.json()).toEqual({ error: { code: 'validation_failed', message: 'Phone "12345" is not a Kenyan mobile number.', field: 'holder.phone' } });
    const badDate = await putPolicyRoute(
      req('/api/v1/policies/API-BAD-1', keys.all, { method: 'PUT', body: policyBody({ installments: [{ due_date: '2026-03-01', amount_minor: 1 }, { due_date: 'soon', amount_minor: 100 }] }) }),
      'API-BAD-1',
      h.db,
    );
    expect(badDate.status).toBe(422);
    expect((await badDate.json()).error.field).toBe('installments[1].due_date');
    const dup = await putPolicyRoute(
      req('/api/v1/policies/API-BAD-1', keys.all, { method: 'PUT', body: policyBody({ installments: [{ due_date: '2026-03-01', amount_minor: 100 }, { due_date: '2026-03-01', amount_minor: 100 }] }) }),
      'API-BAD-1',
      h.db,
    );
    expect(dup.status).toBe(422);
    expect((await dup.json()).error.field).toBe('installments[1].due_date');
    const notJson = await putPolicyRoute(req('/api/v1/policies/API-BAD-1', keys.all, { method: 'PUT', body: '{"holder":' }), 'API-BAD-1', h.db);
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe('invalid_request');
    // MLP-MOT-240117 is Wanjiku's; another client id may not take it.
    const stolen = await putPolicyRoute(req('/api/v1/policies/MLP-MOT-240117', keys.all, { method: 'PUT', body: policyBody() }), 'MLP-MOT-240117', h.db);
    expect(stolen.status).toBe(409);
    expect((await stolen.json()).error).toMatchObject({ code: 'conflict', message: expect.stringContaining('belongs to another holder') });
    expect(await h.db.select().from(policies).where(eq(policies.number, 'API-BAD-1'))).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  test('same key and body: the same answer, written once; same key, other body: 409', async () => {
    const send = (body: unknown, key = 'sync-2026-03-01-0001') =>
      putPolicyRoute(req('/api/v1/policies/API-IDEM-1', keys.all, { method: 'PUT', body, headers: { 'idempotency-key': key } }), 'API-IDEM-1', h.db);
    const body = policyBody({ holder: { ...policyBody().holder, client_id: 'API-C-2', email: 'idem.api@example.com' } });
    const first = await send(body);
    expect(first.status).toBe(201);
    const firstJson = await first.json();
    const second = await send(body);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(firstJson);
    const imports = await h.db.select().from(bookImports).where(eq(bookImports.fileName, 'API: PUT /api/v1/policies/API-IDEM-1'));
    expect(imports).toHaveLength(1);

    const other = await send({ ...body, status: 'lapsed' });
    expect(other.status).toBe(409);
    expect((await other.json()).error).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    const [policy] = await h.db.select().from(policies).where(eq(policies.number, 'API-IDEM-1'));
    expect(policy.status).toBe('active');

    // Two retries racing with one new key: one write, one answer for both.
    const raceBody = policyBody({ holder: { ...policyBody().holder, client_id: 'API-C-3', email: 'race.api@example.com' } });
    const race = (n: string) =>
      putPolicyRoute(req('/api/v1/policies/API-RACE-1', keys.all, { method: 'PUT', body: raceBody, headers: { 'idempotency-key': 'race-1' } }), n, h.db);
    const [r1, r2] = await Promise.all([race('API-RACE-1'), race('API-RACE-1')]);
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect([r1.headers.get('idempotent-replayed'), r2.headers.get('idempotent-replayed')].sort()).toEqual(['true', null].sort());
    expect(await r1.json()).toEqual(await r2.json());
    expect(await h.db.select().from(bookImports).where(eq(bookImports.fileName, 'API: PUT /api/v1/policies/API-RACE-1'))).toHaveLength(1);

    // Kept 24 hours: an older key is free again.
    await h.db.update(idempotencyKeys).set({ createdAt: new Date(Date.now() - 25 * 3600_000) }).where(eq(idempotencyKeys.key, 'sync-2026-03-01-0001'));
    const later = await send({ ...body, status: 'lapsed' });
    expect(later.status).toBe(200);
    expect((await later.json()).policy.status).toBe('lapsed');
  });
});

describe('the change feed is commit-ordered', () => {
  test('a change that commits late is returned after the cursor moved past later ids: none skipped, none repeated', async () => {
    const [pa, pb] = [await pendingPayment(), await pendingPayment()];
    const start = (await feed(keys.all)).next_cursor;
    let cursor = start;
    // Drain whatever the seed and earlier tests changed.
    for (let page = await feed(keys.all, cursor); page.data.length; page = await feed(keys.all, cursor)) cursor = page.next_cursor;

    const url = (h.database as { url?: string }).url;
    if (url) {
      // PostgreSQL: two real connections. A starts first and changes payment A; B changes payment
      // B and commits; a reader runs; only then does A commit.
      const { default: postgres } = await import('postgres');
      const connA = postgres(url, { max: 1, onnotice: () => {} });
      const connB = postgres(url, { max: 1, onnotice: () => {} });
      try {
        let afterB: Awaited<ReturnType<typeof feed>> | undefined;
        await connA.begin(async (a) => {
          await a`update payments set updated_at = now() where id = ${pa.id}`;
          await connB.begin(async (b) => {
            await b`update payments set updated_at = now() where id = ${pb.id}`;
          });
          afterB = await feed(keys.all, cursor);
        });
        const ids = rowsOf<{ id: unknown; entity_id: string }>(await h.db.execute(sql`select id, entity_id from changes where entity_id in (${pa.id}, ${pb.id}) order by id`));
        // A's change row has the smaller id although it committed last: an id cursor would skip it.
        expect(ids.map((r) => r.entity_id).slice(-2)).toEqual([pa.id, pb.id]);
        expect(afterB!.data.map((d) => d.id)).toEqual([pb.id]);
        cursor = afterB!.next_cursor;
      } finally {
        await connA.end();
        await connB.end();
      }
    } else {
      // PGlite has a single connection, so the interleaving is laid down by hand in the same shape:
      // A takes its change id first (its transaction began), B's change commits, the reader runs,
      // then A's change commits with its earlier id.
      const [{ id: reserved }] = rowsOf<{ id: unknown }>(await h.db.execute(sql`select nextval('changes_id_seq') as id`));
      await h.db.insert(changes).values({ entity: 'payment', entityId: pb.id });
      const afterB = await feed(keys.all, cursor);
      expect(afterB.data.map((d) => d.id)).toEqual([pb.id]);
      await h.db.insert(changes).values({ id: Number(reserved), entity: 'payment', entityId: pa.id });
      const [late] = await h.db.select().from(changes).where(eq(changes.id, Number(reserved)));
      const [seen] = await h.db.select().from(changes).where(and(eq(changes.entityId, pb.id), sql`${changes.seq} is not null`)).orderBy(sql`${changes.id} desc`).limit(1);
      // The hazard: by id, A comes before what the reader already has; an id cursor would skip it.
      expect(late.id).toBeLessThan(seen.id);
      cursor = afterB.next_cursor;
    }
    const afterA = await feed(keys.all, cursor);
    expect(afterA.data.map((d) => d.id)).toEqual([pa.id]);
    expect(Number(afterA.next_cursor)).toBeGreaterThan(Number(cursor));
    const nothing = await feed(keys.all, afterA.next_cursor);
    expect(nothing.data).toEqual([]);
    expect(nothing.next_cursor).toBe(afterA.next_cursor);
  });

  test('pages follow the cursor and list payments and refunds in their current state', async () => {
    const p = await pendingPayment();
    const start = await feed(keys.all);
    let cursor = start.next_cursor;
    while (true) {
      const page = await feed(keys.all, cursor);
      if (!page.data.length) break;
      cursor = page.next_cursor;
    }
    await h.db.transaction((tx) => closeUnpaid(tx, { paymentId: p.id, to: 'cancelled', code: '1032', reason: 'Cancelled by the holder' }));
    const page = await feed(keys.all, cursor);
    expect(page.data).toEqual([expect.objectContaining({ object: 'payment', id: p.id, status: 'cancelled', amount_minor: 50_000, policy_number: expect.stringMatching(/^INT-/) })]);
    const bad = await listPaymentsRoute(req('/api/v1/payments?since=abc', keys.all), h.db);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('since');
    // The stamper is idempotent: nothing unstamped remains, and stamping again changes nothing.
    expect(await stampChanges(h.db)).toBe(0);
    expect((await changedSince(h.db, Number(page.next_cursor), 10)).length).toBe(0);
  });
});

describe('the outbox', () => {
  test('an event is written in the transaction of its change, and none when it rolls back', async () => {
    const p = await pendingPayment();
    const eventsFor = async () => (await h.db.select().from(integrationEvents).where(sql`${integrationEvents.data}->>'id' = ${p.id}`)).map((e) => e.type);
    await expect(
      h.db.transaction(async (tx) => {
        const r = await completePayment(tx, { paymentId: p.id, reason: 'test', receipt: `RB${seq}X0001` });
        expect(r.ok).toBe(true);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await eventsFor()).toEqual([]);
    expect((await h.db.select().from(payments).where(eq(payments.id, p.id)))[0].status).toBe('pending');

    await h.db.transaction((tx) => completePayment(tx, { paymentId: p.id, reason: 'test', receipt: `RB${seq}X0002` }));
    expect(await eventsFor()).toEqual(['payment.completed']);
    const [event] = await h.db.select().from(integrationEvents).where(sql`${integrationEvents.data}->>'id' = ${p.id}`);
    expect(event.data).toMatchObject({ object: 'payment', status: 'completed', amount_minor: 50_000 });

    // The refund's pay-out is an event too, and the refund shows in the change feed.
    const before = await feed(keys.all);
    let cursor = before.next_cursor;
    for (let page = await feed(keys.all, cursor); page.data.length; page = await feed(keys.all, cursor)) cursor = page.next_cursor;
    const [refund] = await h.db.insert(refunds).values({ paymentId: p.id, userId: h.holder.userId, amountMinor: 10_000, reason: 'Overpaid', status: 'approved' }).returning();
    await h.db.transaction((tx) => moveRefund(tx, refund.id, 'processed', { gatewayReference: 'UKP1ABCDEF' }));
    const [refundEvent] = await h.db.select().from(integrationEvents).where(sql`${integrationEvents.data}->>'id' = ${refund.id}`);
    expect(refundEvent).toMatchObject({ type: 'refund.processed', data: { object: 'refund', payment_id: p.id, status: 'processed', amount_minor: 10_000 } });
    const page = await feed(keys.all, cursor);
    expect(page.data).toEqual([expect.objectContaining({ object: 'refund', id: refund.id, status: 'processed', policy_number: expect.stringMatching(/^INT-/) })]);
  });
});

test('the OpenAPI document is 3.1, generated from the schemas, and names every endpoint', () => {
  const doc = openApiDocument('http://127.0.0.1:3000');
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(['/api/v1/policies/{number}', '/api/v1/payments']);
  expect(doc.components.schemas.PolicyPut).toMatchObject({ type: 'object', required: expect.arrayContaining(['holder', 'installments']) });
  expect(Object.keys(doc.webhooks)).toEqual(['payment.completed', 'payment.failed', 'payment.review', 'refund.processed', 'policy.updated']);
  expect(JSON.stringify(doc)).not.toContain('__shared');
});
