// Part 1 — callback ingestion. Real-format STK success callbacks POSTed to each payment's real
// callback URL, at several concurrencies, next to two floors measured in the same run:
//  - framework floor: a route that only reads the body and answers the same ack (what Next.js
//    itself costs per request on this machine);
//  - database floor: one conditional UPDATE per payment through postgres.js (what the smallest
//    possible durable state change costs).
// Then the database is asked whether every acknowledged callback was applied exactly once, and a
// replay of some callbacks must change nothing.
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import type { SandboxStkPrompt } from '@/db/sandbox-schema';
import { callbackToken } from '@/lib/payments/mpesa/callback-token';
import { callbackBody } from '@/lib/sandbox/daraja/phone';
import type { BenchConfig } from './config';
import type { BenchDatabase } from './database';
import { BENCH_HOLDER, checkSet, createPendingPayments, type PendingPayment, type SetCheck } from './fixtures';
import { keepAlivePool, runBounded, timedRequest } from './http';
import { summarize, type Summary } from './stats';

const SHORTCODE = '174379';
const ACK = JSON.stringify({ ResultCode: 0, ResultDesc: 'Accepted' });
const RUN_DEADLINE_MS = 180_000;

export type LoadResult = {
  n: number;
  ok: number;
  seconds: number;
  perSecond: number;
  latency: Summary;
  firstError?: string;
};

export type LevelResult = {
  concurrency: number;
  ours: LoadResult;
  framework: LoadResult;
  database: LoadResult;
  check: SetCheck;
  /** Sum of the amounts of the payments whose callback was acknowledged. */
  ackedMinor: number;
  replay: { sent: number; acked: number; unchanged: boolean };
  exactlyOnce: boolean;
  /** From the first callback sent until the worker had applied every acknowledged one. */
  applied: { seconds: number; perSecond: number; drained: boolean };
};

export type CallbackResults = { levels: LevelResult[]; perLevel: number; warmup: number };

/** The body Daraja would POST for this payment's success (docs/daraja.md §6.1), via the sandbox's own builder. */
export function successBody(p: PendingPayment, withBalance: boolean, answeredAt = new Date()): string {
  const prompt: SandboxStkPrompt = {
    id: p.id,
    checkoutRequestId: p.checkoutRequestId,
    merchantRequestId: p.merchantRequestId,
    shortcode: SHORTCODE,
    phone: BENCH_HOLDER.phone,
    amountKes: p.amountMinor / 100,
    accountReference: 'BENCH',
    description: 'Premium',
    callbackUrl: '',
    resultCode: '0',
    resultDesc: 'The service request is processed successfully.',
    receipt: p.receipt,
    createdAt: answeredAt,
    answeredAt,
  };
  return callbackBody(prompt, withBalance);
}

export const callbackHeaders = { 'content-type': 'application/json;charset=UTF-8', businessshortcode: SHORTCODE };

export function callbackPath(paymentId: string, secret: string) {
  return `/api/v1/payments/stk/callback/${paymentId}/${callbackToken(paymentId, secret)}`;
}

type Job = { path: string; body: string };

/** POSTs every job at `concurrency`; an answer counts only if it is HTTP 200 with Daraja's ack. */
async function postAll(origin: string, jobs: Job[], concurrency: number) {
  const pool = keepAlivePool(origin, concurrency);
  const latencies: number[] = [];
  const acked = new Array<boolean>(jobs.length).fill(false);
  let firstError: string | undefined;
  const t0 = performance.now();
  try {
    await runBounded(
      jobs,
      concurrency,
      async (job, i) => {
        const r = await timedRequest(pool, { method: 'POST', path: job.path, headers: callbackHeaders, body: job.body });
        latencies.push(r.ms);
        if (r.status === 200 && r.body === ACK) acked[i] = true;
        else firstError ??= `HTTP ${r.status} ${r.error ?? r.body.slice(0, 200)}`;
      },
      RUN_DEADLINE_MS,
    );
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const ok = acked.filter(Boolean).length;
  return { result: { n: jobs.length, ok, seconds, perSecond: ok / seconds, latency: summarize(latencies), firstError }, acked };
}

/** The database floor: one autocommit conditional UPDATE per payment, `concurrency` connections. */
async function databaseFloor(url: string, ids: string[], concurrency: number): Promise<LoadResult> {
  const sql = postgres(url, { max: concurrency, onnotice: () => {} });
  try {
    // Open every connection first: connecting is not what we measure.
    await Promise.all(Array.from({ length: concurrency }, () => sql`select 1`));
    const latencies: number[] = [];
    let ok = 0;
    let firstError: string | undefined;
    const t0 = performance.now();
    await runBounded(
      ids,
      concurrency,
      async (id) => {
        const s = performance.now();
        try {
          const r = await sql`update payments set status = 'completed' where id = ${id} and status = 'pending'`;
          if (r.count === 1) ok++;
          else firstError ??= `updated ${r.count} rows`;
        } catch (err) {
          firstError ??= err instanceof Error ? err.message : String(err);
        }
        latencies.push(performance.now() - s);
      },
      RUN_DEADLINE_MS,
    );
    const seconds = (performance.now() - t0) / 1000;
    return { n: ids.length, ok, seconds, perSecond: ok / seconds, latency: summarize(latencies), firstError };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const jobsFor = (set: PendingPayment[], secret: string): Job[] =>
  // Alternate the two real success shapes: with and without the value-less Balance item (docs/daraja.md §6.3).
  set.map((p, i) => ({ path: callbackPath(p.id, secret), body: successBody(p, i % 2 === 0) }));

/** Polls until `expected` payments of the set are completed and no callback job is left (or 120 s). */
async function waitForApplied(sql: BenchDatabase['sql'], tag: string, expected: number): Promise<boolean> {
  const deadline = performance.now() + 120_000;
  for (;;) {
    const [r] = await sql<{ completed: string; queued: string }[]>`
      select (select count(*) from payments pay join policies pol on pol.id = pay.policy_id
              where pol.number like ${`BN-${tag}-%`} and pay.status = 'completed') completed,
             (select count(*) from jobs where kind = 'payments.apply-stk-callback') queued`;
    if (Number(r.completed) >= expected && Number(r.queued) === 0) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Waits (up to 120 s) until no job is due: the emails the last set's payments queued are sent
 * before the next measurement starts, so every level and its floors start on a quiet server.
 */
export async function waitForQuietQueue(sql: BenchDatabase['sql']) {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    const [r] = await sql<{ due: string }[]>`select count(*) due from jobs where run_at <= now()`;
    if (Number(r.due) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runCallbackBench(
  cfg: BenchConfig,
  bench: BenchDatabase,
  holderId: string,
  log: (s: string) => void,
): Promise<CallbackResults> {
  const n = cfg.counts.callbacksPerLevel;
  const levels: LevelResult[] = [];

  // Warm-up: the first requests to each route load its chunks and open the server's pool.
  const warm = await createPendingPayments(bench.sql, holderId, 'warm', cfg.counts.warmupCallbacks);
  await postAll(cfg.origin, jobsFor(warm, cfg.authSecret), 4);
  await waitForApplied(bench.sql, 'warm', warm.length);
  await postAll(cfg.origin, jobsFor(warm, cfg.authSecret).map((j) => ({ ...j, path: '/api/v1/bench/noop' })), 10);

  for (const c of cfg.counts.concurrencyLevels) {
    await waitForQuietQueue(bench.sql);
    const set = await createPendingPayments(bench.sql, holderId, `c${c}`, n);
    const floorRows = await createPendingPayments(bench.sql, holderId, `d${c}`, n);
    const jobs = jobsFor(set, cfg.authSecret);

    // Framework floor first, ours, then the database floor: each sees the same machine state.
    const framework = (await postAll(cfg.origin, jobs.map((j) => ({ ...j, path: '/api/v1/bench/noop' })), c)).result;
    const t0 = performance.now();
    const { result: ours, acked } = await postAll(cfg.origin, jobs, c);
    // Acknowledged means stored and queued; the server's job worker applies them (woken by NOTIFY).
    const drained = await waitForApplied(bench.sql, `c${c}`, ours.ok);
    const appliedSeconds = (performance.now() - t0) / 1000;
    await waitForQuietQueue(bench.sql);
    const database = await databaseFloor(bench.url, floorRows.map((p) => p.id), c);

    const check = await checkSet(bench.sql, `c${c}`);
    const ackedMinor = set.reduce((s, p, i) => s + (acked[i] ? p.amountMinor : 0), 0);
    // A replay of 10% (Daraja does not retry, but a proxy or an operator might) must change nothing.
    const replayJobs = jobs.filter((_, i) => acked[i]).slice(0, Math.max(5, Math.round(n / 10)));
    const replay = (await postAll(cfg.origin, replayJobs, Math.min(10, c))).result;
    const after = await checkSet(bench.sql, `c${c}`);
    const unchanged = JSON.stringify(after) === JSON.stringify(check);
    const exactlyOnce =
      check.completed === ours.ok &&
      check.completedTransitions === ours.ok &&
      check.callbackEvents === ours.ok &&
      check.completedMinor === ackedMinor &&
      check.ledgerReceivedMinor === ackedMinor &&
      check.duplicateLedgerLines === 0 &&
      unchanged;
    levels.push({
      concurrency: c,
      ours,
      framework,
      database,
      check,
      ackedMinor,
      replay: { sent: replayJobs.length, acked: replay.ok, unchanged },
      exactlyOnce,
      applied: { seconds: appliedSeconds, perSecond: ours.ok / appliedSeconds, drained },
    });
    log(
      `  c=${c}: ours ${ours.perSecond.toFixed(0)}/s (applied ${(ours.ok / appliedSeconds).toFixed(0)}/s) p99 ${ours.latency.p99.toFixed(1)} ms · framework ${framework.perSecond.toFixed(0)}/s · db ${database.perSecond.toFixed(0)}/s · exactly once: ${exactlyOnce}`,
    );
  }
  return { levels, perLevel: n, warmup: warm.length };
}
