// Part 3's data: a year of payments (1,000,000 at full scale) over 20,000 policyholders with two
// policies each, generated inside PostgreSQL with generate_series so it takes seconds, not an
// hour of round trips. Spread: 80% M-Pesa / 20% card; 85% completed, 6% failed, 5% cancelled,
// 3.5% expired, 0.5% review; created uniformly over the last 365 days; a few heavy holders (the
// holder is drawn with a skew); M-Pesa payments carry the holder's phone 90% of the time, another
// number otherwise, and completed ones a unique receipt. Ids are md5-derived so rows can be
// joined without lookups. The random generator is seeded: two runs produce the same data.
// With `ledger` (what the staff overview reads): 12 monthly installments per policy, mostly paid,
// 5% of past ones still open (overdue); a premium_charged line per installment; a
// payment_received line per completed payment against the installment of its month; a selling
// agent on every fifth policy and a 10% commission line per completed payment on those.
import { performance } from 'node:perf_hooks';
import type { Sql } from './database';

const CHUNK = 100_000;

export type ScaleData = { holders: number; payments: number; ledgerLines: number; seconds: number; fastLoad: boolean };

type Options = { ledger: boolean; log: (s: string) => void };
type InLoadTx = (fn: (tx: Sql) => Promise<unknown>) => Promise<unknown>;
type Rebuild = { table: string; constraints: { name: string; def: string }[]; indexes: { name: string; def: string }[] };

export async function generateScaleData(sql: Sql, holders: number, payments: number, opts: Options): Promise<ScaleData> {
  const t0 = performance.now();
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  // As superuser, skip the per-row foreign-key triggers during the load (the generator only
  // produces ids that exist); unique constraints, enums and NOT NULL still check every row.
  const [me] = await sql<{ su: boolean }[]>`select rolsuper as su from pg_roles where rolname = current_user`;
  const fastLoad = Boolean(me?.su);
  // Our own throwaway database: durability of each commit can wait.
  const inLoadTx: InLoadTx = (fn) =>
    sql.begin(async (tx) => {
      await tx`set local synchronous_commit = off`;
      if (fastLoad) await tx`set local session_replication_role = replica`;
      await fn(tx as unknown as Sql);
    });

  const dropped: Rebuild[] = [];
  let ledgerLines = 0;
  try {
    for (const table of ['payments', 'installments', 'ledger_entries']) dropped.push(await dropSecondaryIndexes(sql, table));
    await loadPeople(inLoadTx, holders);
    for (let lo = 1; lo <= payments; lo += CHUNK) {
      const hi = Math.min(payments, lo + CHUNK - 1);
      await loadPayments(inLoadTx, holders, payments, lo, hi);
      opts.log(`  payments ${hi.toLocaleString('en-US')}/${payments.toLocaleString('en-US')} (${elapsed()})`);
    }
    if (opts.ledger) {
      ledgerLines = await loadBooks(inLoadTx, holders);
      opts.log(`  installments and ${ledgerLines.toLocaleString('en-US')} ledger lines (${elapsed()})`);
    }
  } finally {
    // Recreated even if the load failed, so the schema is never left without them.
    for (const r of dropped) await rebuildIndexes(sql, r);
  }
  opts.log(`  indexes rebuilt (${elapsed()})`);
  // What autovacuum would have done to a year-old table: statistics and the visibility map.
  await sql.unsafe('vacuum (analyze) users, agents, policies, installments, payments, ledger_entries');
  opts.log(`  vacuum analyze done (${elapsed()})`);
  return { holders, payments, ledgerLines, seconds: (performance.now() - t0) / 1000, fastLoad };
}

/**
 * Maintaining ~15 indexes row by row is most of a bulk load's cost; building each once, sorted,
 * afterwards is several times faster (and leaves compact, unbloated indexes — say so when
 * comparing with production). Drops every secondary index and unique constraint of `table` (not
 * the primary key, which foreign keys point at) and returns how to recreate them exactly as the
 * migrations made them (pg_get_indexdef / pg_get_constraintdef).
 */
async function dropSecondaryIndexes(sql: Sql, table: string): Promise<Rebuild> {
  const constraints = await sql<{ name: string; def: string }[]>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${table}::regclass and contype = 'u'`;
  const indexes = await sql<{ name: string; def: string }[]>`
    select i.relname as name, pg_get_indexdef(i.oid) as def
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = ${table}::regclass and not x.indisprimary
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`;
  for (const c of constraints) await sql.unsafe(`alter table ${table} drop constraint "${c.name}"`);
  for (const i of indexes) await sql.unsafe(`drop index "${i.name}"`);
  return { table, constraints: [...constraints], indexes: [...indexes] };
}

async function rebuildIndexes(sql: Sql, r: Rebuild) {
  await sql.begin(async (tx) => {
    await tx`set local maintenance_work_mem = '256MB'`;
    for (const i of r.indexes) await tx.unsafe(i.def);
    for (const c of r.constraints) await tx.unsafe(`alter table ${r.table} add constraint "${c.name}" ${c.def}`);
  });
}

async function loadPeople(inLoadTx: InLoadTx, holders: number) {
  await inLoadTx(async (tx) => {
    await tx`
      insert into agents (id, name, email, phone)
      select md5('bench-agent-' || a)::uuid, 'Bench Agent ' || a, 'agent' || a || '@bench.malipo.test',
             '2547' || lpad((90000000 + a)::text, 8, '0')
      from generate_series(0, 49) a`;
    await tx`
      insert into users (id, email, name, phone, role, password_hash, created_at)
      select md5('bench-user-' || h)::uuid, 'q' || h || '@bench.malipo.test', 'Bench Holder ' || h,
             '2547' || lpad((h * 7919 % 100000000)::text, 8, '0'), 'policyholder', 'sign-in-disabled',
             now() - interval '400 days'
      from generate_series(1, ${holders}::int) h`;
    await tx`
      insert into policies (id, number, product, holder_id, premium_minor, agent_id, commission_bps, created_at)
      select md5('bench-pol-' || h || '-' || k)::uuid, 'Q-' || h || '-' || k,
             (array['Motor Comprehensive', 'Afya Family Health Cover', 'Home & Contents', 'Motor Third Party'])[1 + (h + k) % 4],
             md5('bench-user-' || h)::uuid, 4800000,
             case when h % 5 = 0 then md5('bench-agent-' || (h % 50))::uuid end, case when h % 5 = 0 then 1000 else 0 end,
             now() - interval '400 days'
      from generate_series(1, ${holders}::int) h, generate_series(1, 2) k`;
  });
}

async function loadPayments(inLoadTx: InLoadTx, holders: number, payments: number, lo: number, hi: number) {
  await inLoadTx(async (tx) => {
    await tx`select setseed(${(lo / payments) * 0.9})`;
    await tx`
      with x as (
        select g, random() r1, random() r2, random() r3, random() r4, random() r5
        from generate_series(${lo}::int, ${hi}::int) g
      ), y as (
        select g, r4,
          1 + (floor(power(r1, 1.3) * ${holders})::int % ${holders}) h,
          case when r3 < 0.8 then 'mpesa' else 'card' end m,
          case when r2 < 0.85 then 'completed' when r2 < 0.91 then 'failed' when r2 < 0.96 then 'cancelled'
               when r2 < 0.995 then 'expired' else 'review' end st,
          now() - r5 * interval '365 days' ts,
          (100 + floor(r4 * 50)::int * 100) * 100 amt
        from x
      )
      insert into payments (reference, user_id, policy_id, method, amount_minor, status, phone,
        merchant_request_id, checkout_request_id, mpesa_receipt, paystack_reference, card_brand, card_last4,
        failure_code, failure_reason, flagged, flag_reason, created_at, updated_at, completed_at, receipt_no)
      select 'MLP-Q' || upper(lpad(to_hex(g), 7, '0')),
        md5('bench-user-' || h)::uuid,
        md5('bench-pol-' || h || '-' || (1 + g % 2))::uuid,
        m::payment_method, amt, st::payment_status,
        case when m = 'mpesa' then
          case when r4 < 0.9 then '2547' || lpad((h * 7919 % 100000000)::text, 8, '0')
               else '2541' || lpad((g::bigint * 104729 % 100000000)::text, 8, '0') end end,
        case when m = 'mpesa' then 'q-' || g || '-1' end,
        case when m = 'mpesa' then 'ws_CO_Q' || lpad(g::text, 12, '0') end,
        case when m = 'mpesa' and st in ('completed', 'review') then 'U' || chr(65 + g % 12) || upper(lpad(to_hex(g), 8, '0')) end,
        case when m = 'card' then 'PSK-Q' || g end,
        case when m = 'card' then (array['visa', 'mastercard'])[1 + g % 2] end,
        case when m = 'card' then lpad((g % 10000)::text, 4, '0') end,
        case when st = 'failed' then case when m = 'mpesa' then '1' else 'declined' end end,
        case when st = 'failed' then 'The balance is insufficient for the transaction.'
             when st = 'cancelled' then 'Request Cancelled by user.'
             when st = 'expired' then 'No response from user.' end,
        st = 'review', case when st = 'review' then 'Callback amount differs from requested.' end,
        ts, ts, case when st = 'completed' then ts + interval '25 seconds' end,
        -- Bulk loading bypasses triggers (replica mode): the receipt number the trigger would assign.
        case when st = 'completed' then 'MLP-Q' || upper(lpad(to_hex(g), 7, '0')) || '-' || upper(substr(md5('receipt-' || g), 1, 6)) end
      from y`;
  });
}

/** Installments, premium lines, payment lines and agent commission; returns the ledger lines added. */
async function loadBooks(inLoadTx: InLoadTx, holders: number): Promise<number> {
  let lines = 0;
  await inLoadTx(async (tx) => {
    await tx`
      insert into installments (id, policy_id, seq, due_date, amount_minor, status)
      select md5('bench-inst-' || h || '-' || k || '-' || s)::uuid, md5('bench-pol-' || h || '-' || k)::uuid, s, due, 400000,
             (case when due >= current_date then 'due' when r < 0.93 then 'paid' when r < 0.95 then 'partly_paid' else 'due' end)::installment_status
      from (
        select h, k, s, current_date - 335 + (s - 1) * 30 as due, random() r
        from generate_series(1, ${holders}::int) h, generate_series(1, 2) k, generate_series(1, 12) s
      ) x`;
    const charged = await tx`
      insert into ledger_entries (policy_id, user_id, installment_id, kind, amount_minor, memo, created_at)
      select i.policy_id, p.holder_id, i.id, 'premium_charged', i.amount_minor, 'Premium installment ' || i.seq || ' of 12', p.created_at
      from installments i join policies p on p.id = i.policy_id where p.number like 'Q-%'`;
    const received = await tx`
      insert into ledger_entries (policy_id, user_id, payment_id, installment_id, kind, amount_minor, memo, created_at)
      select pay.policy_id, pay.user_id, pay.id,
             md5('bench-inst-' || split_part(pol.number, '-', 2) || '-' || split_part(pol.number, '-', 3) || '-' ||
                 least(12, greatest(1, 1 + (pay.created_at::date - (current_date - 335)) / 30)))::uuid,
             'payment_received', -pay.amount_minor, 'Payment ' || pay.reference, pay.completed_at
      from payments pay join policies pol on pol.id = pay.policy_id
      where pay.reference like 'MLP-Q%' and pay.status = 'completed'`;
    const commission = await tx`
      insert into ledger_entries (policy_id, user_id, payment_id, kind, account, agent_id, amount_minor, memo, created_at)
      select pay.policy_id, pay.user_id, pay.id, 'commission', 'agent', pol.agent_id, pay.amount_minor * pol.commission_bps / 10000,
             'Commission 10% on ' || pay.reference, pay.completed_at
      from payments pay join policies pol on pol.id = pay.policy_id
      where pay.reference like 'MLP-Q%' and pay.status = 'completed' and pol.agent_id is not null`;
    lines = charged.count + received.count + commission.count;
  });
  return lines;
}
