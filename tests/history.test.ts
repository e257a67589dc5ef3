// Payment history, CSV export and the policy schedule against a real database (PGlite, or
// PostgreSQL when DATABASE_URL is set): payments made through the real M-Pesa and card flows,
// plus rows inserted directly for volume and for awkward timestamps.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { desc, eq, sql } from 'drizzle-orm';
import { payments, policies, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { completeCheckout } from '@/lib/sandbox/paystack/checkout';
import { respondToPrompt, type PromptAction } from '@/lib/sandbox/daraja/phone';
import { historyCsv } from '@/lib/history/csv';
import { parseHistoryQuery, UNSUCCESSFUL, type HistoryFilters } from '@/lib/history/filters';
import { historySummary, listHistory, type HistoryRow } from '@/lib/history/list';
import { policySchedule } from '@/lib/history/schedule';
import { minorToDecimal } from '@/lib/money';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

// The export route reads the session and the shared database; point both at this test's.
const mocks = vi.hoisted(() => ({ viewer: null as Viewer | null, db: null as unknown }));
vi.mock('@/lib/auth/session', () => ({ currentViewer: async () => mocks.viewer }));
vi.mock('@/db/client', async (importOriginal) => ({ ...(await importOriginal<object>()), getDb: async () => mocks.db }));
const { GET: exportCsv } = await import('@/app/api/v1/payments/export/route');

let h: Harness;
let staff: Viewer;
let otherPolicyId: string;
const made: Record<string, Payment> = {};

beforeAll(async () => {
  h = await startHarness();
  mocks.db = h.db;
  staff = { userId: crypto.randomUUID(), role: 'finance' };
  [{ id: otherPolicyId }] = await h.db.select({ id: policies.id }).from(policies).where(eq(policies.holderId, h.other.userId));

  // Real flows first: one of each outcome the holder will see.
  made.motorPaid = await mpesa(h.holder, h.motor.id, 1_500_000, 'pin');
  made.afyaCancelled = await mpesa(h.holder, h.afya.id, 100_000, 'cancel');
  made.afyaFailed = await mpesa(h.holder, h.afya.id, 200_000, 'insufficient');
  made.afyaExpired = await mpesa(h.holder, h.afya.id, 50_000, 'no_answer');
  made.afyaCard = await card(h.holder, h.afya.id, 350_050);
  made.otherPaid = await mpesa(h.other, otherPolicyId, 250_000, 'pin', '0722000111');

  // Volume: 45 older rows for the holder spread over three policies, methods and statuses.
  const home = (await h.db.select({ id: policies.id }).from(policies).where(eq(policies.number, 'MLP-HOM-240508')))[0].id;
  const statuses = ['completed', 'failed', 'cancelled', 'expired', 'review', 'completed', 'pending'] as const;
  const rows = Array.from({ length: 45 }, (_, i) => {
    const method = i % 3 === 0 ? ('card' as const) : ('mpesa' as const);
    const status = statuses[i % statuses.length];
    return {
      reference: `MLP-V${String(i).padStart(7, '0')}`,
      userId: h.holder.userId,
      policyId: [h.motor.id, h.afya.id, home][i % 3],
      method,
      // A pending M-Pesa row per policy is one too many (unique index); keep pending ones on card.
      status: status === 'pending' && method === 'mpesa' ? ('failed' as const) : status,
      amountMinor: 10_000 + i * 137,
      mpesaReceipt: method === 'mpesa' && status === 'completed' ? `TK${String(i).padStart(8, '0')}` : null,
      paystackReference: method === 'card' ? `MLP-V${String(i).padStart(7, '0')}` : null,
      cardBrand: method === 'card' ? 'mastercard' : null,
      cardLast4: method === 'card' ? '5100' : null,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 6 * 3600_000), // every 6 hours from 1 Jan 2026
    };
  });
  await h.db.insert(payments).values(rows);
  // Four rows in one millisecond (two sharing the exact microsecond) straddle page boundaries:
  // only a cursor carrying microseconds and the id pages through them correctly.
  for (const [n, at] of [
    [0, '2026-01-05 10:00:00.123401+00'],
    [1, '2026-01-05 10:00:00.123402+00'],
    [2, '2026-01-05 10:00:00.123402+00'],
    [3, '2026-01-05 10:00:00.123403+00'],
  ] as const) {
    await h.db.execute(sql`insert into payments (reference, user_id, policy_id, method, status, amount_minor, created_at)
      values (${`MLP-SAMEMS0${n}`}, ${h.holder.userId}, ${h.afya.id}, 'mpesa', 'failed', ${700 + n}, ${at}::timestamptz)`);
  }
  // Either side of midnight in Nairobi on 10 Jan 2026 (21:00 UTC on the 9th).
  await h.db.insert(payments).values([
    { reference: 'MLP-EDGE0001', userId: h.holder.userId, policyId: h.motor.id, method: 'mpesa', status: 'failed', amountMinor: 111, createdAt: new Date('2026-01-09T20:59:59.999Z') },
    { reference: 'MLP-EDGE0002', userId: h.holder.userId, policyId: h.motor.id, method: 'mpesa', status: 'failed', amountMinor: 222, createdAt: new Date('2026-01-09T21:00:00.000Z') },
    { reference: 'MLP-EDGE0003', userId: h.holder.userId, policyId: h.motor.id, method: 'mpesa', status: 'failed', amountMinor: 333, createdAt: new Date('2026-01-10T20:59:59.999Z') },
    { reference: 'MLP-EDGE0004', userId: h.holder.userId, policyId: h.motor.id, method: 'mpesa', status: 'failed', amountMinor: 444, createdAt: new Date('2026-01-10T21:00:00.000Z') },
  ]);
});

afterAll(async () => {
  await h?.close();
});

async function mpesa(viewer: Viewer, policyId: string, amountMinor: number, answer: PromptAction, phone = '0712345678') {
  const r = await initiateMpesaPayment(h.db, h.gateway, viewer, { policyId, amountMinor, phone });
  if (!r.ok) throw new Error(r.error);
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
  await respondToPrompt(h.db, prompt.id, answer);
  return reload(r.payment.id);
}

async function card(viewer: Viewer, policyId: string, amountMinor: number) {
  const r = await initiateCardPayment(h.db, h.card, viewer, { policyId, amountMinor });
  if (!r.ok) throw new Error(r.error);
  const paid = await completeCheckout(h.db, r.payment.checkoutUrl!.split('/').pop()!, { number: '4084084084084081', expiry: '12/30', cvv: '408' }, { secretKey: h.paystackConfig.secretKey, appOrigin: h.origin });
  if (!paid.ok) throw new Error('card checkout failed');
  await h.settle();
  return reload(r.payment.id);
}

async function reload(id: string) {
  return (await h.db.select().from(payments).where(eq(payments.id, id)))[0];
}

/** Every row the filters match, by following nextCursor (small pages to cross many boundaries). */
async function everything(viewer: Viewer, filters: HistoryFilters, limit = 7) {
  const out: HistoryRow[] = [];
  let cursor: HistoryFilters['cursor'];
  for (let guard = 0; guard < 100; guard++) {
    const page = await listHistory(h.db, viewer, { ...filters, cursor }, { limit });
    out.push(...page.rows);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

/** The same rows straight from the table, newest first, for comparison (ordered by PostgreSQL:
 * a JS Date would lose the microseconds that order rows within one millisecond). */
async function expected(where: (p: Payment) => boolean) {
  const all = await h.db.select().from(payments).orderBy(desc(payments.createdAt), desc(payments.id));
  return all.filter(where);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  if (cell || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

async function csvOf(viewer: Viewer, filters: HistoryFilters) {
  let text = '';
  for await (const chunk of historyCsv(h.db, viewer, filters)) text += chunk;
  expect(text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  return { header, rows };
}

describe('the real flows show up as the holder expects', () => {
  test('statuses, receipts and card details', () => {
    expect(made.motorPaid).toMatchObject({ status: 'completed' });
    expect(made.motorPaid.mpesaReceipt).toMatch(/^[A-Z0-9]{10}$/);
    expect(made.afyaCancelled.status).toBe('cancelled');
    expect(made.afyaFailed.status).toBe('failed');
    expect(made.afyaExpired.status).toBe('expired');
    expect(made.afyaCard).toMatchObject({ status: 'completed', cardBrand: 'visa', cardLast4: '4081' });
  });

  test('newest first, with policy number and product', async () => {
    const { rows } = await listHistory(h.db, h.holder, {}, { limit: 5 });
    expect(rows.map((r) => r.id)).toEqual([made.afyaCard, made.afyaExpired, made.afyaFailed, made.afyaCancelled, made.motorPaid].map((p) => p.id));
    expect(rows[4]).toMatchObject({ policyNumber: 'MLP-MOT-240117', product: 'Motor Comprehensive', amountMinor: 1_500_000 });
  });
});

describe('summary', () => {
  const cases: [string, () => HistoryFilters][] = [
    ['no filter', () => ({})],
    ['completed', () => ({ status: 'completed' })],
    ['unsuccessful', () => ({ status: 'unsuccessful' })],
    ['pending', () => ({ status: 'pending' })],
    ['card', () => ({ method: 'card' })],
    ['mpesa on afya', () => ({ method: 'mpesa', policyId: h.afya.id })],
    ['January', () => ({ from: '2026-01-01', to: '2026-01-31' })],
    ['search MLP-V00000', () => ({ q: 'MLP-V00000' })],
  ];
  test.each(cases)('equals the sum of the listed rows: %s', async (_name, filters) => {
    const f = filters();
    const rows = await everything(h.holder, f);
    const s = await historySummary(h.db, h.holder, f);
    expect(rows.length).toBeGreaterThan(0);
    expect(s).toEqual({
      count: rows.length,
      amountMinor: rows.reduce((t, r) => t + r.amountMinor, 0),
      completedCount: rows.filter((r) => r.status === 'completed').length,
      completedMinor: rows.filter((r) => r.status === 'completed').reduce((t, r) => t + r.amountMinor, 0),
      refundedMinor: rows.filter((r) => r.status === 'completed').reduce((t, r) => t + r.refundedMinor, 0),
      keptMinor: rows.filter((r) => r.status === 'completed').reduce((t, r) => t + r.amountMinor - r.refundedMinor, 0),
      pendingCount: rows.filter((r) => r.status === 'pending').length,
      failedCount: rows.filter((r) => (UNSUCCESSFUL as readonly string[]).includes(r.status)).length,
    });
  });

  test('the page cursor does not narrow the summary', async () => {
    const first = await listHistory(h.db, h.holder, {}, { limit: 3 });
    expect(await historySummary(h.db, h.holder, { cursor: first.nextCursor! })).toEqual(await historySummary(h.db, h.holder, {}));
  });

  test('nothing matched: zeros, not nulls', async () => {
    expect(await historySummary(h.db, h.holder, { from: '2020-01-01', to: '2020-01-02' })).toEqual({
      count: 0, amountMinor: 0, completedCount: 0, completedMinor: 0, refundedMinor: 0, keptMinor: 0, pendingCount: 0, failedCount: 0,
    });
  });
});

describe('search', () => {
  const search = async (q: string) => (await everything(h.holder, parseHistoryQuery({ q }))).map((r) => r.reference);

  test('our reference, exact or prefix, in any case', async () => {
    expect(await search(made.motorPaid.reference)).toEqual([made.motorPaid.reference]);
    expect(await search(made.motorPaid.reference.toLowerCase())).toEqual([made.motorPaid.reference]);
    expect((await search('mlp-v000001')).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `MLP-V00000${10 + i}`));
  });

  test('M-Pesa receipt, exact or prefix', async () => {
    const receipt = made.motorPaid.mpesaReceipt!;
    expect(await search(receipt)).toEqual([made.motorPaid.reference]);
    expect(await search(receipt.slice(0, 7).toLowerCase())).toContain(made.motorPaid.reference);
    expect((await search('TK')).length).toBe((await expected((p) => p.mpesaReceipt?.startsWith('TK') ?? false)).length);
  });

  test('Paystack reference', async () => {
    expect(await search(made.afyaCard.paystackReference!)).toEqual([made.afyaCard.reference]);
  });

  test('LIKE wildcards are literal', async () => {
    expect(await search('MLP_V')).toEqual([]);
    // Dropped, and said so (issue 20: never silently).
    expect(parseHistoryQuery({ q: '%' })).toEqual({ notes: ['search-ignored'] });
  });

  test("another holder's codes find nothing", async () => {
    expect(await search(made.otherPaid.reference)).toEqual([]);
    expect(await search(made.otherPaid.mpesaReceipt!)).toEqual([]);
  });
});

describe('filters', () => {
  const mine = (p: Payment) => p.userId === h.holder.userId;
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

  test.each([
    ['completed', (p: Payment) => p.status === 'completed'],
    ['pending', (p: Payment) => p.status === 'pending'],
    ['review', (p: Payment) => p.status === 'review'],
    ['cancelled', (p: Payment) => p.status === 'cancelled'],
    ['unsuccessful', (p: Payment) => ['failed', 'cancelled', 'expired'].includes(p.status)],
  ] as const)('status %s', async (status, match) => {
    const rows = await everything(h.holder, { status });
    expect(ids(rows)).toEqual(ids(await expected((p) => mine(p) && match(p))));
    expect(rows.length).toBeGreaterThan(0);
  });

  test.each(['mpesa', 'card'] as const)('method %s', async (method) => {
    expect(ids(await everything(h.holder, { method }))).toEqual(ids(await expected((p) => mine(p) && p.method === method)));
  });

  test('policy, and combined with status', async () => {
    expect(ids(await everything(h.holder, { policyId: h.afya.id }))).toEqual(ids(await expected((p) => mine(p) && p.policyId === h.afya.id)));
    const both = await everything(h.holder, { policyId: h.motor.id, status: 'completed' });
    expect(ids(both)).toEqual(ids(await expected((p) => mine(p) && p.policyId === h.motor.id && p.status === 'completed')));
    expect(both.map((r) => r.id)).toContain(made.motorPaid.id);
  });

  test('a date range is whole days in Nairobi time', async () => {
    const day = await everything(h.holder, parseHistoryQuery({ from: '2026-01-10', to: '2026-01-10' }));
    const refs = day.map((r) => r.reference);
    expect(refs).toContain('MLP-EDGE0002');
    expect(refs).toContain('MLP-EDGE0003');
    expect(refs).not.toContain('MLP-EDGE0001');
    expect(refs).not.toContain('MLP-EDGE0004');
    const start = new Date('2026-01-09T21:00:00Z').getTime();
    expect(ids(day)).toEqual(ids(await expected((p) => mine(p) && p.createdAt.getTime() >= start && p.createdAt.getTime() < start + 86400_000)));
    // Open-ended either way.
    expect((await everything(h.holder, { from: '2026-01-11' })).map((r) => r.reference)).toContain('MLP-EDGE0004');
    expect((await everything(h.holder, { to: '2026-01-09' })).map((r) => r.reference)).toContain('MLP-EDGE0001');
  });
});

describe('keyset pagination', () => {
  test('every row exactly once, in order, while new payments arrive between pages', async () => {
    const before = await expected((p) => p.userId === h.holder.userId);
    const seen: HistoryRow[] = [];
    let page = await listHistory(h.db, h.holder, {}, { limit: 4 });
    let arrivals = 0;
    for (;;) {
      seen.push(...page.rows);
      if (!page.nextCursor) break;
      // Someone pays (and another holder too) while the holder reads.
      await h.db.insert(payments).values([
        { reference: `MLP-NEW${String(arrivals).padStart(5, '0')}`, userId: h.holder.userId, policyId: h.afya.id, method: 'card', status: 'failed', amountMinor: 999 },
        { reference: `MLP-OTH${String(arrivals).padStart(5, '0')}`, userId: h.other.userId, policyId: otherPolicyId, method: 'card', status: 'failed', amountMinor: 999 },
      ]);
      arrivals++;
      page = await listHistory(h.db, h.holder, { cursor: page.nextCursor }, { limit: 4 });
    }
    expect(arrivals).toBeGreaterThan(10);
    expect(seen.map((r) => r.id)).toEqual(before.map((p) => p.id));
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    // The four rows in one millisecond all came through, in (created_at, id) order.
    expect(seen.filter((r) => r.reference.startsWith('MLP-SAMEMS')).map((r) => r.amountMinor).sort()).toEqual([700, 701, 702, 703]);
  });

  test.each([1, 2, 3])('rows sharing a millisecond (even a microsecond) page correctly %i at a time', async (limit) => {
    const f: HistoryFilters = { policyId: h.afya.id, from: '2026-01-05', to: '2026-01-05' };
    const start = new Date('2026-01-04T21:00:00Z').getTime();
    const want = await expected((p) => p.policyId === h.afya.id && p.createdAt.getTime() >= start && p.createdAt.getTime() < start + 86400_000);
    expect(want.filter((p) => p.reference.startsWith('MLP-SAMEMS'))).toHaveLength(4);
    expect((await everything(h.holder, f, limit)).map((r) => r.id)).toEqual(want.map((p) => p.id));
  });

  test('page size is clamped', async () => {
    expect((await listHistory(h.db, h.holder, {}, { limit: 0 })).rows).toHaveLength(1);
    expect((await listHistory(h.db, h.holder, {}, { limit: 10_000 })).rows.length).toBeLessThanOrEqual(500);
  });
});

describe('CSV', () => {
  test.each([
    ['everything', (): HistoryFilters => ({})],
    ['completed M-Pesa', (): HistoryFilters => ({ status: 'completed', method: 'mpesa' })],
    ['afya in January', (): HistoryFilters => ({ policyId: h.afya.id, from: '2026-01-01', to: '2026-01-31' })],
  ])('matches the list: %s', async (_name, make) => {
    const filters = make();
    const list = await everything(h.holder, filters, 50);
    const { header, rows } = await csvOf(h.holder, filters);
    expect(header).toEqual(['Date (EAT)', 'Reference', 'Policy number', 'Product', 'Method', 'Status', 'Amount (KES)', 'M-Pesa receipt', 'Paystack reference', 'Card', 'Refunded (KES)', 'Receipt number']);
    expect(rows.map((r) => r[1])).toEqual(list.map((r) => r.reference));
    expect(rows.map((r) => r[6])).toEqual(list.map((r) => minorToDecimal(r.amountMinor)));
    expect(rows.every((r) => r.length === 12 && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(r[0]))).toBe(true);
  });

  test('a real payment row, in full', async () => {
    const { rows } = await csvOf(h.holder, { q: made.afyaCard.reference });
    const at = new Date(made.afyaCard.createdAt.getTime() + 3 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(rows).toEqual([[at, made.afyaCard.reference, 'MLP-AFY-240342', 'Afya Family Health Cover', 'Card', 'Paid', '3500.50', '', made.afyaCard.paystackReference, 'Visa •••• 4081', '0.00', (await h.db.select({ no: payments.receiptNo }).from(payments).where(eq(payments.id, made.afyaCard.id)))[0].no]]);
    const mp = (await csvOf(h.holder, { q: made.motorPaid.mpesaReceipt! })).rows;
    expect(mp[0].slice(4, 10)).toEqual(['M-Pesa', 'Paid', '15000.00', made.motorPaid.mpesaReceipt, '', '']);
  });

  test('more rows than one batch stream completely', async () => {
    const bulk = Array.from({ length: 1_100 }, (_, i) => ({
      reference: `MLP-BULK${String(i).padStart(5, '0')}`,
      userId: h.other.userId,
      policyId: otherPolicyId,
      method: 'card' as const,
      status: 'failed' as const,
      amountMinor: 100 + i,
      createdAt: new Date(Date.UTC(2025, 5, 1) + i * 60_000),
    }));
    await h.db.insert(payments).values(bulk);
    const { rows } = await csvOf(h.other, { q: 'MLP-BULK' });
    expect(rows).toHaveLength(1_100);
    expect(new Set(rows.map((r) => r[1])).size).toBe(1_100);
    expect(rows.reduce((t, r) => t + Math.round(Number(r[6]) * 100), 0)).toBe(bulk.reduce((t, r) => t + r.amountMinor, 0));
  });
});

describe('the export route', () => {
  const get = (qs = '') => exportCsv(new Request(`http://localhost/api/v1/payments/export${qs}`));

  test('signed out: 401 and no rows', async () => {
    mocks.viewer = null;
    const res = await get();
    expect(res.status).toBe(401);
  });

  test('streams the signed-in holder\'s filtered rows as an attachment', async () => {
    mocks.viewer = h.holder;
    const res = await get('?status=completed&method=card&status=ignored&q=');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="malipo-payments-\d{8}\.csv"$/);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const rows = parseCsv((await res.text()).slice(1)).slice(1);
    const list = await everything(h.holder, { status: 'completed', method: 'card' });
    expect(rows.map((r) => r[1])).toEqual(list.map((r) => r.reference));
    expect(rows.map((r) => r[1])).toContain(made.afyaCard.reference);
  });

  test("another holder's export never contains this holder's rows", async () => {
    mocks.viewer = h.other;
    const text = await (await get()).text();
    expect(text).toContain(made.otherPaid.reference);
    expect(text).not.toContain(made.motorPaid.reference);
    expect(text).not.toContain(made.afyaCard.reference);
    expect(text).not.toContain('MLP-MOT-240117');
    // Filtering by the holder's policy id gives nothing, not the holder's rows.
    const byPolicy = parseCsv((await (await get(`?policy=${h.motor.id}`)).text()).slice(1));
    expect(byPolicy).toHaveLength(1); // header only
  });
});

describe('scoping', () => {
  test("a holder's list and summary never include another holder's rows; staff see both", async () => {
    const mineAll = await everything(h.holder, {}, 100);
    expect(mineAll.length).toBeGreaterThan(50);
    expect(mineAll.every((r) => r.reference !== made.otherPaid.reference)).toBe(true);
    const theirs = await everything(h.other, {}, 500);
    expect(theirs.map((r) => r.id)).toContain(made.otherPaid.id);
    expect(theirs.map((r) => r.id)).not.toContain(made.motorPaid.id);
    expect(await everything(h.other, { policyId: h.motor.id })).toEqual([]);
    expect((await historySummary(h.db, h.other, { policyId: h.motor.id })).count).toBe(0);
    const all = await historySummary(h.db, staff, {});
    const [mine, other] = [await historySummary(h.db, h.holder, {}), await historySummary(h.db, h.other, {})];
    expect(all.count).toBe(mine.count + other.count);
  });

  test("another holder's policy schedule is not found", async () => {
    expect(await policySchedule(h.db, h.other, h.motor.id)).toBeNull();
    expect(await policySchedule(h.db, h.holder, otherPolicyId)).toBeNull();
    expect(await policySchedule(h.db, h.holder, 'not-a-uuid')).toBeNull();
  });
});

describe('policy schedule', () => {
  test('states, amounts paid and a ledger that adds up to the balance', async () => {
    const s = (await policySchedule(h.db, h.holder, h.motor.id))!;
    expect(s.policy.number).toBe('MLP-MOT-240117');
    expect(s.schedule.map((i) => [i.seq, i.state, i.paidMinor, i.leftMinor])).toEqual([
      [1, 'paid', 1_200_000, 0],
      [2, 'partly_paid', 300_000, 900_000],
      [3, 'due', 0, 1_200_000],
      [4, 'due', 0, 1_200_000],
    ]);
    expect(s.balanceMinor).toBe(4_800_000 - 1_500_000);
    expect(s.overdueMinor).toBe(0);
    expect(s.next?.seq).toBe(2);
    expect(s.ledger.map((l) => l.kind)).toEqual(['premium_charged', 'premium_charged', 'premium_charged', 'premium_charged', 'payment_received', 'payment_received']);
    expect(s.ledger.at(-1)!.balanceAfterMinor).toBe(s.balanceMinor);
    expect(s.ledger.every((l) => l.account === 'holder')).toBe(true); // the agent's commission is not the holder's
  });

  test('an unpaid installment past its Nairobi due date is overdue', async () => {
    // The other holder's first installment was overdue, and their 2,500 payment cleared it.
    const s = (await policySchedule(h.db, h.other, otherPolicyId))!;
    expect(s.schedule.map((i) => i.state)).toEqual(['paid', 'due', 'due', 'due']);
    expect(s.overdueMinor).toBe(0);
    // A month on, the second (due in 27 days) is overdue.
    const later = (await policySchedule(h.db, h.other, otherPolicyId, new Date(Date.now() + 30 * 86400_000)))!;
    expect(later.schedule.map((i) => i.state)).toEqual(['paid', 'overdue', 'due', 'due']);
    expect(later.overdueMinor).toBe(250_000);
    // A year on, everything left on the motor policy is overdue, the part-paid one included.
    const unpaid = (await policySchedule(h.db, h.holder, h.motor.id, new Date(Date.now() + 400 * 86400_000)))!;
    expect(unpaid.schedule.map((i) => i.state)).toEqual(['paid', 'overdue', 'overdue', 'overdue']);
    expect(unpaid.overdueMinor).toBe(unpaid.balanceMinor);
  });
});
