// The staff CSV export at scale: 200,000 payments (2,000 holders) inserted in bulk, streamed
// through the same exporter the route handler uses, with resident memory sampled throughout.
// Also checks that every staff search shape is answered through an index, not a scan of payments.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '@/db/client';
import { users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { CSV_COLUMNS, transactionsCsvStream } from '@/lib/staff/csv-export';
import { encodeCursor, parseTransactionFilters } from '@/lib/staff/filters';
import { transactionConditions, transactionsQuery } from '@/lib/staff/transactions';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

const ROWS = 200_000;
const HOLDERS = 2_000;
const MEMORY_BOUND_MB = 150;

let h: Harness;
let staff: Viewer;
beforeAll(async () => {
  h = await startHarness();
  const [u] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.staff.email));
  staff = { userId: u.id, role: u.role };
  const t0 = Date.now();
  await h.db.execute(sql`
    insert into users (email, name, phone, password_hash)
    select 'bulk' || g || '@example.com', 'Bulk Holder ' || g, '2547' || lpad(g::text, 8, '0'), 'x'
    from generate_series(1, ${HOLDERS}) g`);
  await h.db.execute(sql`
    insert into policies (number, product, holder_id, premium_minor)
    select 'MLP-BLK-' || lpad(substr(u.email, 5, strpos(u.email, '@') - 5), 6, '0'), 'Bulk cover', u.id, 1000000
    from users u where u.email like 'bulk%'`);
  // Spread over ~60 days, one every ~26 s; a third by card, the rest M-Pesa; names with commas and
  // quotes in a few rows to exercise CSV quoting.
  await h.db.execute(sql`
    with holders as (select p.id as policy_id, p.holder_id, row_number() over (order by p.number) - 1 as n
                     from policies p where p.number like 'MLP-BLK-%')
    insert into payments (reference, user_id, policy_id, method, amount_minor, status, phone, mpesa_receipt,
                          paystack_reference, card_brand, card_last4, flagged, flag_reason, created_at, completed_at)
    select 'MLP-B' || lpad(g::text, 7, '0'), h.holder_id, h.policy_id,
      (case when g % 3 = 0 then 'card' else 'mpesa' end)::payment_method,
      100 * (g % 5000 + 1),
      (case when g % 10 = 0 then 'failed' when g % 47 = 0 then 'expired' when g % 997 = 0 then 'review' else 'completed' end)::payment_status,
      case when g % 3 <> 0 then '2547' || lpad((g % ${HOLDERS} + 1)::text, 8, '0') end,
      case when g % 3 <> 0 and g % 10 <> 0 and g % 47 <> 0 and g % 997 <> 0 then 'BK' || lpad(g::text, 8, '0') end,
      case when g % 3 = 0 then 'MLP-B' || lpad(g::text, 7, '0') end,
      case when g % 3 = 0 then 'visa' end, case when g % 3 = 0 then '4081' end,
      g % 997 = 0, case when g % 997 = 0 then 'Amount differs, "check", please' end,
      now() - g * interval '26 seconds', now() - g * interval '26 seconds' + interval '40 seconds'
    from generate_series(1, ${ROWS}) g join holders h on h.n = g % ${HOLDERS}`);
  await h.db.execute(sql`analyze`);
  console.log(`[csv] inserted ${ROWS} payments for ${HOLDERS} holders in ${Date.now() - t0} ms (${h.database.kind})`);
}, 300_000);
afterAll(async () => {
  await h?.close();
});

test(`streams ${ROWS} rows as CSV with bounded memory`, async () => {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  const reader = transactionsCsvStream(h.db, staff, parseTransactionFilters({})).getReader();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let bytes = 0;
  let lines = 0;
  let firstLines = '';
  let lastLine = '';
  let carry = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    const text = carry + decoder.decode(value, { stream: true });
    const parts = text.split('\r\n');
    carry = parts.pop()!;
    lines += parts.length;
    if (firstLines.length < 2000) firstLines += parts.slice(0, 3).join('\n') + '\n';
    if (parts.length) lastLine = parts[parts.length - 1];
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const deltaMb = (peak - baseline) / 1024 / 1024;
  console.log(
    `[csv] ${lines - 1} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s = ${Math.round((lines - 1) / seconds)} rows/s; ` +
      `RSS baseline ${(baseline / 1024 / 1024).toFixed(0)} MB, peak ${(peak / 1024 / 1024).toFixed(0)} MB (+${deltaMb.toFixed(1)} MB) on ${h.database.kind}`,
  );
  expect(carry).toBe('');
  expect(lines).toBe(ROWS + 1);
  expect(firstLines.split('\n')[0]).toBe(`\uFEFF${CSV_COLUMNS.join(',')}`);
  // Newest first: g = 1 is the newest payment, g = 200000 the oldest.
  expect(firstLines.split('\n')[1]).toContain(',MLP-B0000001,');
  expect(lastLine).toContain(',MLP-B0200000,');
  expect(firstLines).not.toContain('undefined');
  expect(deltaMb).toBeLessThan(MEMORY_BOUND_MB);
}, 300_000);

test('quoting: commas, quotes and formula-looking text are safe in a spreadsheet', async () => {
  const reader = transactionsCsvStream(h.db, staff, parseTransactionFilters({ status: 'review' })).getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const rows = text.trim().split('\r\n');
  expect(rows.length).toBe(1 + Math.floor(ROWS / 997) - countWhereEarlierStatusWins());
  expect(rows[1]).toContain(',yes,"Amount differs, ""check"", please",');
});

/** Rows with g % 997 = 0 that the CASE gives another status first (g % 10 = 0 or g % 47 = 0). */
function countWhereEarlierStatusWins() {
  let n = 0;
  for (let g = 997; g <= ROWS; g += 997) if (g % 10 === 0 || g % 47 === 0) n++;
  return n;
}

test('every staff search shape is served by an index on payments', async () => {
  const cursor = encodeCursor({ createdUs: String((Date.now() - 3 * 86_400_000) * 1000), id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' });
  const shapes: Record<string, Record<string, string>> = {
    'newest first': {},
    'deep page': { cursor },
    status: { status: 'review' },
    method: { method: 'card' },
    flagged: { flagged: '1' },
    'date range': { from: new Date(Date.now() - 5 * 86_400_000 + 3 * 3600_000).toISOString().slice(0, 10), to: new Date(Date.now() - 4 * 86_400_000 + 3 * 3600_000).toISOString().slice(0, 10) },
    'our reference': { q: 'mlp-b0123456' },
    'M-Pesa receipt': { q: 'BK00123457' },
    'phone 07…': { q: '0700 000 123' },
    email: { q: 'bulk77@example.com' },
    'policy number': { q: 'MLP-BLK-000077' },
    'holder name': { q: 'Bulk Holder 1234' },
    'status + method + phone': { status: 'completed', method: 'mpesa', q: '0700000123' },
  };
  for (const [name, params] of Object.entries(shapes)) {
    const f = parseTransactionFilters(params);
    const where = await transactionConditions(h.db, f);
    const query = transactionsQuery(h.db, where, f.cursor ? { createdUs: String((Date.now() - 3 * 86_400_000) * 1000), id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' } : null, 51);
    const plan = rowsOf<Record<string, string>>(await h.db.execute(sql`explain ${query}`))
      .map((r) => Object.values(r)[0])
      .join('\n');
    if (process.env.SHOW_PLANS) console.log(`${name}:\n${plan}\n`);
    expect(plan, `${name}:\n${plan}`).not.toMatch(/Seq Scan on payments/);
    expect(plan, `${name}:\n${plan}`).toMatch(/Index|Bitmap/);
  }
}, 120_000);
