// Part 2 — callback → browser. Many payers wait on their own pending payment; their callbacks are
// fired at concurrency 10 (and, for comparison, at a steady 100/s) and we time, per payment, from
// sending the callback to the payer's client learning "completed":
//  - live: over the SSE stream (GET /api/v1/payments/<id>/events), driven by LISTEN/NOTIFY;
//  - polling: GET /api/v1/payments/<id> every second, as the UI's SWR fallback would.
// Clients and callbacks share this process's clock (performance.now()).
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { BenchConfig } from './config';
import type { BenchDatabase } from './database';
import { callbackHeaders, callbackPath, successBody, waitForQuietQueue } from './callbacks';
import { createPendingPayments, type PendingPayment } from './fixtures';
import { keepAlivePool, runBounded, timedRequest, type Session } from './http';
import { parseSse } from './sse-parse';
import { summarize, type Summary } from './stats';

const FIRE_CONCURRENCY = 10;
/** The paced run: a steady rate, about 6× a month-end peak of 5,000 payments in 5 minutes. */
export const PACED_PER_SECOND = 100;
const OPEN_CONCURRENCY = 25;
const WAIT_AFTER_LAST_MS = 30_000;
const POLL_EVERY_MS = 1000;

export type DeliveryResult = {
  clients: number;
  /** Clients that were waiting when the callbacks were fired. */
  ready: number;
  delivered: number;
  callbacksAcked: number;
  latency: Summary;
  setupSeconds: number;
  note?: string;
};

export type LiveResults = {
  sse: DeliveryResult;
  /** The same, with the callbacks sent at a steady PACED_PER_SECOND instead of as fast as acknowledged. */
  ssePaced?: DeliveryResult & { perSecond: number };
  polling: DeliveryResult & { pollsPerSecond: number };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Fires every payment's success callback: at concurrency 10 (each sender waits for its answer),
 * or, with `perSecond`, one every 1/perSecond s whatever the answers (an open-loop steady rate).
 * Returns when each was sent and how many were acknowledged.
 */
async function fireCallbacks(cfg: BenchConfig, set: PendingPayment[], perSecond?: number) {
  const pool = keepAlivePool(cfg.origin, perSecond ? 50 : FIRE_CONCURRENCY);
  const sentAt = new Array<number>(set.length).fill(NaN);
  let acked = 0;
  const send = async (p: PendingPayment, i: number) => {
    const body = successBody(p, i % 2 === 0);
    sentAt[i] = performance.now();
    const r = await timedRequest(pool, { method: 'POST', path: callbackPath(p.id, cfg.authSecret), headers: callbackHeaders, body });
    if (r.status === 200) acked++;
  };
  try {
    if (perSecond) {
      const t0 = performance.now();
      const inFlight: Promise<void>[] = [];
      for (const [i, p] of set.entries()) {
        const due = t0 + (i * 1000) / perSecond;
        if (due > performance.now()) await sleep(due - performance.now());
        inFlight.push(send(p, i));
      }
      await Promise.all(inFlight);
    } else {
      await runBounded(set, FIRE_CONCURRENCY, send, 120_000);
    }
  } finally {
    await pool.close();
  }
  return { sentAt, acked };
}

async function waitUntil(done: () => boolean, timeoutMs: number) {
  const stop = Date.now() + timeoutMs;
  while (!done() && Date.now() < stop) await sleep(20);
}

type Stream = { ready: Promise<void>; completedAt: number; close(): void };

/** Opens one status stream; `ready` resolves on its first status event (the server is subscribed by then). */
async function openStream(agent: Agent, cfg: BenchConfig, id: string, cookie: string): Promise<Stream> {
  const res = await request(`${cfg.origin}/api/v1/payments/${id}/events`, {
    dispatcher: agent,
    headers: { cookie, accept: 'text/event-stream' },
    headersTimeout: 30_000,
    bodyTimeout: 0, // an idle stream is the point; our own deadlines end it
  });
  if (res.statusCode !== 200) {
    await res.body.text().catch(() => '');
    throw new Error(`events stream for ${id}: HTTP ${res.statusCode}`);
  }
  let markReady = () => {};
  const stream: Stream = {
    ready: new Promise<void>((r) => (markReady = r)),
    completedAt: NaN,
    close: () => res.body.destroy(),
  };
  let buffer = '';
  res.body.setEncoding('utf8');
  res.body.on('data', (chunk: string) => {
    const now = performance.now();
    const { events, rest } = parseSse(buffer + chunk);
    buffer = rest;
    for (const e of events) {
      if (e.event !== 'status') continue;
      markReady();
      if ((JSON.parse(e.data) as { status: string }).status === 'completed' && Number.isNaN(stream.completedAt)) stream.completedAt = now;
    }
  });
  res.body.on('error', () => markReady());
  return stream;
}

async function sseRun(cfg: BenchConfig, set: PendingPayment[], session: Session, perSecond?: number): Promise<DeliveryResult> {
  // One connection per stream, as 500 phones would have.
  const agent = new Agent({ connections: set.length + 8, pipelining: 1, keepAliveTimeout: 10_000 });
  const streams: (Stream | undefined)[] = new Array(set.length);
  let openErrors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  try {
    await runBounded(
      set,
      OPEN_CONCURRENCY,
      async (p, i) => {
        try {
          const s = await openStream(agent, cfg, p.id, session.cookieHeader);
          await Promise.race([s.ready, sleep(30_000)]);
          streams[i] = s;
        } catch (err) {
          openErrors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      },
      120_000,
    );
    const setupSeconds = (performance.now() - t0) / 1000;
    const ready = streams.filter(Boolean).length;
    const { sentAt, acked } = await fireCallbacks(cfg, set, perSecond);
    await waitUntil(() => streams.every((s) => !s || !Number.isNaN(s.completedAt)), WAIT_AFTER_LAST_MS);
    const latencies = streams.flatMap((s, i) => (s && !Number.isNaN(s.completedAt) ? [s.completedAt - sentAt[i]] : []));
    return {
      clients: set.length,
      ready,
      delivered: latencies.length,
      callbacksAcked: acked,
      latency: summarize(latencies),
      setupSeconds,
      note: openErrors ? `${openErrors} streams failed to open (${firstError})` : undefined,
    };
  } finally {
    streams.forEach((s) => s?.close());
    await agent.close().catch(() => {});
  }
}

async function pollingRun(cfg: BenchConfig, set: PendingPayment[], session: Session) {
  const pool = keepAlivePool(cfg.origin, set.length);
  const seenAt = new Array<number>(set.length).fill(NaN);
  let stopped = false;
  let polls = 0;
  let errors = 0;
  const t0 = performance.now();
  // Each client polls like SWR's refreshInterval: the next request 1 s after the previous answer.
  // Start times are spread over the first second, as real page loads would be.
  const clients = set.map(async (p, i) => {
    await sleep(Math.random() * POLL_EVERY_MS);
    while (!stopped) {
      const r = await timedRequest(pool, { method: 'GET', path: `/api/v1/payments/${p.id}`, headers: { cookie: session.cookieHeader } });
      polls++;
      if (r.status !== 200) errors++;
      else if ((JSON.parse(r.body) as { status: string }).status === 'completed') {
        seenAt[i] = performance.now();
        return;
      }
      await sleep(POLL_EVERY_MS);
    }
  });
  try {
    await sleep(2 * POLL_EVERY_MS); // steady state before the first callback
    const setupSeconds = (performance.now() - t0) / 1000;
    const { sentAt, acked } = await fireCallbacks(cfg, set);
    await waitUntil(() => seenAt.every((t) => !Number.isNaN(t)), WAIT_AFTER_LAST_MS);
    stopped = true;
    const elapsed = (performance.now() - t0) / 1000;
    await Promise.race([Promise.all(clients), sleep(35_000)]);
    const latencies = seenAt.flatMap((t, i) => (Number.isNaN(t) ? [] : [t - sentAt[i]]));
    return {
      clients: set.length,
      ready: set.length,
      delivered: latencies.length,
      callbacksAcked: acked,
      latency: summarize(latencies),
      setupSeconds,
      pollsPerSecond: polls / elapsed,
      note: errors ? `${errors} polls failed` : undefined,
    };
  } finally {
    stopped = true;
    await pool.close().catch(() => {});
  }
}

export async function runLiveBench(
  cfg: BenchConfig,
  bench: BenchDatabase,
  holderId: string,
  session: Session,
  log: (s: string) => void,
): Promise<LiveResults> {
  const n = cfg.counts.streams;
  // Warm the events route and the LISTEN connection (opened on the first subscription).
  const warm = await createPendingPayments(bench.sql, holderId, 'ssewarm', 5);
  await sseRun(cfg, warm, session);

  // Each run starts once the previous one's emails are sent (see waitForQuietQueue).
  await waitForQuietQueue(bench.sql);
  const sse = await sseRun(cfg, await createPendingPayments(bench.sql, holderId, 'sse', n), session);
  log(`  SSE: ${sse.delivered}/${n} delivered, p50 ${sse.latency.p50.toFixed(1)} ms, p99 ${sse.latency.p99.toFixed(1)} ms`);
  await waitForQuietQueue(bench.sql);
  const paced = await sseRun(cfg, await createPendingPayments(bench.sql, holderId, 'ssepaced', n), session, PACED_PER_SECOND);
  const ssePaced = { ...paced, perSecond: PACED_PER_SECOND };
  log(`  SSE paced at ${PACED_PER_SECOND}/s: ${paced.delivered}/${n} delivered, p50 ${paced.latency.p50.toFixed(1)} ms, p99 ${paced.latency.p99.toFixed(1)} ms`);
  await waitForQuietQueue(bench.sql);
  const polling = await pollingRun(cfg, await createPendingPayments(bench.sql, holderId, 'poll', n), session);
  log(`  polling: ${polling.delivered}/${n} delivered, p50 ${polling.latency.p50.toFixed(0)} ms, p99 ${polling.latency.p99.toFixed(0)} ms`);
  return { sse, ssePaced, polling };
}
