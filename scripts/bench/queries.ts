// Part 3 — queries at scale, through the app's own data functions (the ones its pages call). Each
// case is timed over many runs with a different holder / phone / receipt each time (warm cache),
// then its SQL — captured from Drizzle's logger while the function ran — is shown with
// EXPLAIN (ANALYZE, BUFFERS), and any Seq Scan on payments or ledger_entries is flagged.
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Db } from '@/db/client';
import * as schema from '@/db/schema';
import type { Viewer } from '@/lib/viewer';
import type { BenchConfig } from './config';
import type { BenchDatabase } from './database';
import { historySummary, listHistory } from '@/lib/history/list';
import { parseTransactionFilters } from '@/lib/staff/filters';
import { searchTransactions } from '@/lib/staff/transactions';
import { generateScaleData, type ScaleData } from './scale-data';
import { summarize, type Summary } from './stats';
import { refreshStaffOverview, staffOverview } from '@/lib/staff/overview';

export type QueryCase = {
  name: string;
  /** Which code ran: the app function, or the equivalent query we wrote (and why). */
  via: string;
  run: (db: Db, i: number) => Promise<unknown>;
  /** Not on a request's path (a recurring job): reported, but the p95 target does not apply. */
  background?: string;
};

export type QueryResult = {
  name: string;
  via: string;
  background?: string;
  latency: Summary;
  rows: number;
  plans: string[];
  seqScans: string[];
};

export type QueryResults = {
  data: ScaleData;
  results: QueryResult[];
  runs: number;
  secondsPerCase: number;
  notes: string[];
};

const MIN_RUNS = 10;
const SEQ_SCAN = /(?:Parallel )?Seq Scan on (payments|ledger_entries)\b/g;

type Captured = { query: string; params: unknown[] };

function rowCount(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') {
    const rows = (v as { rows?: unknown }).rows;
    if (Array.isArray(rows)) return rows.length;
    return 1;
  }
  return v == null ? 0 : 1;
}

async function samples(bench: BenchDatabase, n: number) {
  const sql = bench.sql;
  const holders = await sql<{ id: string }[]>`
    select user_id as id from (select distinct user_id from payments where reference like 'MLP-Q%') d order by random() limit ${n}`;
  const phones = await sql<{ v: string }[]>`
    select phone as v from payments where reference like 'MLP-Q%' and phone is not null order by random() limit ${n}`;
  const receipts = await sql<{ v: string }[]>`
    select mpesa_receipt as v from payments where reference like 'MLP-Q%' and mpesa_receipt is not null order by random() limit ${n}`;
  const pick = <T>(xs: T[], i: number) => xs[i % xs.length];
  return {
    holder: (i: number): Viewer => ({ userId: pick(holders, i).id, role: 'policyholder' }),
    phone: (i: number) => pick(phones, i).v,
    receipt: (i: number) => pick(receipts, i).v,
  };
}

async function buildCases(cfg: BenchConfig, bench: BenchDatabase) {
  const s = await samples(bench, Math.max(cfg.counts.queryRuns, 50));
  const staffViewer: Viewer = { userId: crypto.randomUUID(), role: 'finance' };
  // Page 2 needs each holder's first-page cursor; found outside the timed runs.
  const cursors = new Map<string, Awaited<ReturnType<typeof listHistory>>['nextCursor']>();
  for (let i = 0; i < Math.max(cfg.counts.queryRuns, 50); i++) {
    const v = s.holder(i);
    if (!cursors.has(v.userId)) cursors.set(v.userId, (await listHistory(bench.db, v, {})).nextCursor);
  }
  // The staff transactions page parses its URL the same way.
  const staffSearch = (db: Db, q: string) => searchTransactions(db, staffViewer, parseTransactionFilters({ q }));
  const cases: QueryCase[] = [
    { name: 'Holder history, first page', via: 'listHistory (lib/history/list.ts)', run: (db, i) => listHistory(db, s.holder(i), {}) },
    {
      name: 'Holder history, page 2',
      via: 'listHistory with cursor (lib/history/list.ts)',
      run: (db, i) => {
        const v = s.holder(i);
        const cursor = cursors.get(v.userId);
        return listHistory(db, v, cursor ? { cursor } : {});
      },
    },
    { name: 'Holder history totals', via: 'historySummary (lib/history/list.ts)', run: (db, i) => historySummary(db, s.holder(i), {}) },
    {
      name: 'Staff search by receipt (history q=)',
      via: 'listHistory as staff, q = receipt (lib/history/list.ts)',
      run: (db, i) => listHistory(db, staffViewer, { q: s.receipt(i) }),
    },
    { name: 'Staff search by phone', via: 'searchTransactions (lib/staff/transactions.ts), q = phone', run: (db, i) => staffSearch(db, s.phone(i)) },
    { name: 'Staff search by receipt', via: 'searchTransactions (lib/staff/transactions.ts), q = receipt', run: (db, i) => staffSearch(db, s.receipt(i)) },
  ];
  // What the overview page calls: the snapshot row plus the live figures (today, queues).
  cases.push({
    name: 'Staff overview figures',
    via: 'staffOverview (lib/staff/overview.ts): snapshot + live today and queues',
    run: (db) => staffOverview(db, staffViewer),
  });
  // What keeps the snapshot fresh: the recurring job's full recomputation.
  cases.push({
    name: 'Staff overview snapshot refresh',
    via: 'refreshStaffOverview (lib/staff/overview.ts), the staff.refresh-overview job',
    run: (db) => refreshStaffOverview(db),
    background: 'background job, every 30 s',
  });
  return cases;
}

async function explain(bench: BenchDatabase, captured: Captured[]): Promise<string[]> {
  const plans: string[] = [];
  for (const c of captured) {
    const rows = await bench.sql.unsafe(`explain (analyze, buffers) ${c.query}`, c.params as never[]);
    plans.push(`${c.query}\n-- params: ${JSON.stringify(c.params)}\n${rows.map((r) => (r as Record<string, string>)['QUERY PLAN']).join('\n')}`);
  }
  return plans;
}

export async function runQueryBench(cfg: BenchConfig, bench: BenchDatabase, log: (s: string) => void): Promise<QueryResults> {
  const notes: string[] = [];
  // The overview reads installments and the ledger: give it a year of them (BENCH_LEDGER=0 skips).
  const ledger = process.env.BENCH_LEDGER !== '0';
  log(`  generating ${cfg.counts.queryPayments.toLocaleString('en-US')} payments over ${cfg.counts.queryHolders.toLocaleString('en-US')} holders${ledger ? ' (+ installments, ledger lines, agents)' : ''}`);
  const data = await generateScaleData(bench.sql, cfg.counts.queryHolders, cfg.counts.queryPayments, { ledger, log });
  if (!ledger) notes.push('No installments or ledger lines generated (BENCH_LEDGER=0): the overview figures are not representative.');
  const cases = await buildCases(cfg, bench);

  // A second Drizzle on the same connections whose logger records the SQL each function sends.
  let captured: Captured[] = [];
  const capturing = drizzle(bench.sql, {
    schema,
    logger: { logQuery: (query: string, params: unknown[]) => void captured.push({ query, params }) },
  }) as unknown as Db;

  const results: QueryResult[] = [];
  for (const c of cases) {
    // Warm the cache and the prepared statements (a few seconds at most for a slow query).
    const warmUntil = performance.now() + 5000;
    for (let i = 0; i < 10 && performance.now() < warmUntil; i++) await c.run(bench.db, i);
    // A slow query (seconds per run at full scale) stops at its time budget, after at least MIN_RUNS.
    const stopAt = performance.now() + cfg.counts.querySeconds * 1000;
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < cfg.counts.queryRuns && (i < MIN_RUNS || performance.now() < stopAt); i++) {
      const t0 = performance.now();
      const out = await c.run(bench.db, i);
      times.push(performance.now() - t0);
      rows += rowCount(out);
    }
    captured = [];
    await c.run(capturing, 0);
    const plans = await explain(bench, captured);
    const seqScans = [...new Set(plans.flatMap((p) => [...p.matchAll(SEQ_SCAN)].map((m) => m[0])))];
    const r: QueryResult = { name: c.name, via: c.via, background: c.background, latency: summarize(times), rows: Math.round(rows / times.length), plans, seqScans };
    log(`  ${c.name}: p50 ${r.latency.p50.toFixed(1)} ms, p95 ${r.latency.p95.toFixed(1)} ms${seqScans.length ? ` — ${seqScans.join(', ')}` : ''}`);
    results.push(r);
  }
  return { data, results, runs: cfg.counts.queryRuns, secondsPerCase: cfg.counts.querySeconds, notes };
}
