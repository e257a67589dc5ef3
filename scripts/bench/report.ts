// Renders the results as markdown: one table per part, each with a one-line "how measured", the
// targets judged, and the query plans folded away at the end.
import type { CallbackResults } from './callbacks';
import type { LiveResults } from './live';
import type { Machine } from './machine';
import type { PageResults } from './page';
import type { QueryResults } from './queries';
import type { ImportResults } from './import';
import { kb, ms, num, pct, verdict } from './stats';

export type BenchResults = {
  machine: Machine;
  scale: number;
  /** App instances under test (see BenchConfig.instances); absent in older results = 1. */
  instances?: 1 | 2;
  callbacks?: CallbackResults;
  live?: LiveResults;
  queries?: QueryResults;
  pages?: PageResults;
  book?: ImportResults;
  errors: { part: string; message: string }[];
  phases: { name: string; seconds: number }[];
};

const TARGETS = {
  floorShare: 0.85,
  callbackP99AtC10: 50,
  ssep99: 250,
  queryP95: 50,
  jsGzipKb: 130,
  hydratedMs: 3000,
};

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function machineSection(r: BenchResults): string {
  const m = r.machine;
  return [
    `# Malipo benchmark`,
    '',
    table(
      ['machine', ''],
      [
        ['date', m.date],
        ['CPU', `${m.nproc} cores (nproc) · ${m.cpuModel}`],
        ['memory', `${m.memoryGiB.toFixed(1)} GiB`],
        ['Node.js', m.node],
        ['PostgreSQL', m.postgres],
        ['load average at start (1/5/15 min)', m.loadAtStart],
        ['commit', m.commit],
        ['scale', `${r.scale} (BENCH_SCALE; 1 = full size)`],
        [
          'app instances',
          (r.instances ?? 1) === 1
            ? '1: one `next start` answers HTTP and runs the job worker'
            : '2 (same build, same database): the one under load answers HTTP with its job worker off (MALIPO_DISABLE_WORKER=1); the other gets no traffic and runs the worker, which applies the callbacks and sends the emails',
        ],
      ],
    ),
  ].join('\n');
}

function callbackSection(c: CallbackResults): string {
  const rows = c.levels.map((l) => {
    const shareOfFramework = l.ours.perSecond / l.framework.perSecond;
    return [
      String(l.concurrency),
      `${num(l.ours.perSecond)} /s`,
      ms(l.ours.latency.p50),
      ms(l.ours.latency.p99),
      `${num(l.framework.perSecond)} /s`,
      ms(l.framework.latency.p50),
      ms(l.framework.latency.p99),
      `${num(l.database.perSecond)} /s`,
      ms(l.database.latency.p50),
      ms(l.database.latency.p99),
      pct(shareOfFramework),
      pct(l.ours.perSecond / l.database.perSecond),
      verdict(shareOfFramework >= TARGETS.floorShare),
      l.applied ? `${num(l.applied.perSecond)} /s${l.applied.drained ? '' : ' (**not drained**)'}` : 'n/a',
    ];
  });
  const c10 = c.levels.find((l) => l.concurrency === 10);
  const checks = c.levels.map((l) => [
    String(l.concurrency),
    `${l.ours.ok}/${l.ours.n}`,
    String(l.check.completed),
    String(l.check.completedTransitions),
    String(l.check.callbackEvents),
    `${num(l.check.ledgerReceivedMinor / 100, 2)} / ${num(l.ackedMinor / 100, 2)}`,
    String(l.check.duplicateLedgerLines),
    `${l.replay.acked}/${l.replay.sent} acked, ${l.replay.unchanged ? 'nothing changed' : '**state changed**'}`,
    verdict(l.exactlyOnce),
  ]);
  const errors = c.levels.flatMap((l) =>
    [
      l.ours.firstError && `c=${l.concurrency} ours: ${l.ours.firstError}`,
      l.framework.firstError && `c=${l.concurrency} framework: ${l.framework.firstError}`,
      l.database.firstError && `c=${l.concurrency} database: ${l.database.firstError}`,
    ].filter(Boolean),
  );
  return [
    `## 1. Callback ingestion`,
    '',
    `How measured: per concurrency level, ${num(c.perLevel)} pending M-Pesa payments (own policy, installment and premium line each) get a real-format success callback (lib/sandbox/daraja/phone.ts callbackBody, alternating with/without Balance) POSTed to /api/v1/payments/stk/callback/<id>/<token> over keep-alive connections, one per in-flight request; an answer counts only if it is HTTP 200 with Daraja's ack. Framework floor: the same bodies to /api/v1/bench/noop (reads the body, same ack, no database). Database floor: the same number of \`update payments set status='completed' where id=$1 and status='pending'\` through postgres.js on a separate copy of rows, one connection per in-flight update. Throughput = acknowledged ÷ wall time; latency per request, median (p50) and p99. ${c.warmup} warm-up callbacks first. The server's pool is 10 connections. An acknowledgement means the raw body and the job that applies it were committed in one statement; the server's own job worker (woken by NOTIFY) applies them meanwhile, on the same CPU. "Applied" = acknowledged ÷ time from the first callback sent until every one was applied (completed payment, ledger lines, email queued) and the queue was empty.`,
    '',
    table(
      ['concurrency', 'ours', 'p50', 'p99', 'framework floor', 'p50', 'p99', 'database floor', 'p50', 'p99', 'ours / framework', 'ours / db', '≥ 85% of framework', 'applied'],
      rows,
    ),
    '',
    `Target p99 < ${TARGETS.callbackP99AtC10} ms at concurrency 10: ${c10 ? `${ms(c10.ours.latency.p99)} — ${verdict(c10.ours.latency.p99 < TARGETS.callbackP99AtC10)}` : 'n/a'}.`,
    '',
    `Applied exactly once (from the database, per set): acknowledged callbacks = completed payments = "→ completed" status changes = stored callback events; ledger payment_received total = the acknowledged payments' amounts; no duplicate ledger lines; then 10% of the callbacks replayed must change nothing.`,
    '',
    table(['concurrency', 'acked', 'completed', 'status changes', 'callback events', 'ledger received / acked KES', 'duplicate lines', 'replay', 'exactly once'], checks),
    ...(errors.length ? ['', `First errors: ${errors.join('; ')}`] : []),
  ].join('\n');
}

function liveSection(l: LiveResults): string {
  const row = (name: string, d: LiveResults['sse'], target: string) => [
    name,
    String(d.clients),
    String(d.ready),
    `${d.delivered}/${d.callbacksAcked}`,
    ms(d.latency.p50),
    ms(d.latency.p99),
    ms(d.latency.max),
    target,
  ];
  const notes = [l.sse.note && `SSE: ${l.sse.note}`, l.ssePaced?.note && `SSE paced: ${l.ssePaced.note}`, l.polling.note && `polling: ${l.polling.note}`].filter(Boolean);
  return [
    `## 2. Callback → browser`,
    '',
    `How measured: ${l.sse.clients} clients each wait on their own pending payment, signed in once through Auth.js's credentials endpoint (one holder owns every payment). SSE: one GET /api/v1/payments/<id>/events per client on its own connection; all streams have received their first status event before any callback is sent. Polling: each client GETs /api/v1/payments/<id> 1 s after its previous answer (SWR's refreshInterval), start times spread over a second, ${num(l.polling.pollsPerSecond)} polls/s in all. The callbacks are then fired at concurrency 10 (each sender sends its next callback as soon as the previous one is acknowledged: a burst as fast as the server acknowledges, which, now that acknowledging is only storing, is faster than the worker applies them, so the last payers wait for the queue to drain); per payment, the time from sending its callback to the client receiving "completed". "Paced": a fresh set of as many streams, the callbacks sent at a steady ${l.ssePaced ? num(l.ssePaced.perSecond) : '—'}/s whatever the answers (about 6× a month-end peak of 5,000 payments in 5 minutes). Same process, same clock.`,
    '',
    table(
      ['path', 'clients', 'waiting', 'delivered / callbacks acked', 'median', 'p99', 'max', `target p99 < ${TARGETS.ssep99} ms`],
      [
        row('SSE (LISTEN/NOTIFY), burst at concurrency 10', l.sse, verdict(l.sse.delivered === l.sse.clients && l.sse.latency.p99 < TARGETS.ssep99)),
        ...(l.ssePaced ? [row(`SSE, paced at ${num(l.ssePaced.perSecond)}/s`, l.ssePaced, `${verdict(l.ssePaced.delivered === l.ssePaced.clients && l.ssePaced.latency.p99 < TARGETS.ssep99)} (comparison)`)] : []),
        row('polling every 1 s', l.polling, 'comparison'),
      ],
    ),
    ...(notes.length ? ['', notes.join('; ')] : []),
  ].join('\n');
}

function querySection(q: QueryResults): string {
  const d = q.data;
  const rows = q.results.map((r) => [
    r.name,
    r.via,
    String(r.latency.n),
    ms(r.latency.p50),
    ms(r.latency.p95),
    ms(r.latency.p99),
    String(r.rows),
    r.seqScans.length ? `**${r.seqScans.join(', ')}**` : 'none',
    r.background ? `n/a (${r.background})` : verdict(r.latency.p95 < TARGETS.queryP95),
  ]);
  return [
    `## 3. Queries at scale`,
    '',
    `How measured: ${num(d.payments)} payments over ${num(d.holders)} holders (2 policies each; 80% M-Pesa / 20% card; 85% completed, 6% failed, 5% cancelled, 3.5% expired, 0.5% review; spread over 365 days; skewed so some holders pay often)${d.ledgerLines ? `, 12 monthly installments per policy (5% of past ones overdue), ${num(d.ledgerLines)} ledger lines (premiums, payments, agent commission on every fifth policy)` : ''}, generated in SQL in ${num(d.seconds, 1)} s (secondary indexes built after the load, so they are unbloated${d.fastLoad ? '; FK triggers off during the load only' : ''}), then VACUUM ANALYZE. Each query up to ${q.runs} runs (fewer if it used up its ${q.secondsPerCase} s budget; at least 10), a different holder / phone / receipt each run, warm cache, timed around the app's function (Drizzle + postgres.js round trip). Plans: EXPLAIN (ANALYZE, BUFFERS) of the SQL each function sent, below.`,
    '',
    table(['query', 'code', 'runs', 'p50', 'p95', 'p99', 'rows / run', 'Seq Scan on payments / ledger_entries', `p95 < ${TARGETS.queryP95} ms`], rows),
    ...(q.notes.length ? ['', `Notes: ${q.notes.join(' ')}`] : []),
  ].join('\n');
}

function pageSection(p: PageResults): string {
  const rows = p.pages.map((x) => [
    `${x.name} (${x.path})`,
    String(x.firstLoad.files),
    kb(x.firstLoad.gzipBytes),
    kb(x.firstLoad.servedBytes),
    verdict(x.firstLoad.gzipBytes / 1024 <= TARGETS.jsGzipKb),
    x.usableWhat,
    ms(x.usableMs.p50),
    ms(x.usableMs.p99),
    verdict(x.usableMs.p99 < TARGETS.hydratedMs),
    `${x.usableBeforeHydration} of ${x.usableMs.n}`,
    ms(x.hydratedMs.p50),
    ms(x.hydratedMs.p99),
    ms(x.htmlMs.p50),
    x.signal === 'marker' ? 'data-hydrated marker' : 'React props on element',
    x.afterHydration.files ? `${x.afterHydration.files} files, ${kb(x.afterHydration.gzipBytes)} gz` : '—',
  ]);
  return [
    `## 4. Pay pages on a phone`,
    '',
    `How measured: headless Chromium (Debian's), signed in. JS: every JavaScript response fetched before hydration on an unthrottled load, its bytes gzipped at level 9 here, summed ("as served" is what the server sent: encodedBodySize). Times: ${p.runs} cold loads under ${p.conditions}, from navigation start (performance.timeOrigin). Usable: the page's control works without JavaScript and is painted: the pay button visible and enabled inside a form that posts without JavaScript (method POST with React's server-action fields; e2e/pay-without-js.spec.ts pays through exactly such a form with JavaScript off, and the status page it lands on shows the status and refreshes without JavaScript), or the M-Pesa status drawn with its plain "Check again" link; counted from the later of that moment and the first contentful paint (Chromium paints only once the CSS is in). A press before hydration is not lost: until React has hydrated the form, the browser posts it as it would without JavaScript (a full page load to the same server action). If the no-JS condition never held, usable is the hydration time. Hydrated: the hydration signal, reported, not judged (Chromium applies the emulated latency and bandwidth to the document's body, so "HTML received" is its responseEnd).`,
    '',
    table(
      [
        'page',
        'JS files',
        'first-load JS gz',
        'as served',
        `≤ ${TARGETS.jsGzipKb} KB`,
        'usable means',
        'usable median',
        'p99',
        `p99 < ${TARGETS.hydratedMs / 1000} s`,
        'runs usable before hydration',
        'hydrated median',
        'p99',
        'HTML received (median)',
        'hydration signal',
        'JS after hydration (prefetch)',
      ],
      rows,
    ),
  ].join('\n');
}

function plansSection(q: QueryResults): string {
  const plan = (r: QueryResults['results'][number]) =>
    [`<details><summary>${r.name} — ${r.via}${r.seqScans.length ? ` — ${r.seqScans.join(', ')}` : ''}</summary>`, '', '```', r.plans.join('\n\n'), '```', '', '</details>'].join('\n');
  return [`## Query plans (EXPLAIN (ANALYZE, BUFFERS))`, ...q.results.map(plan)].join('\n\n');
}

function importSection(b: ImportResults): string {
  const pass = b.totalSeconds < b.targetSeconds && b.rowsInDb.installments === b.rows && b.reimportUnchanged;
  return [
    `## Book import (${b.rows.toLocaleString('en-KE')} installment rows)`,
    '',
    `How measured: a synthetic CSV (${b.policies.toLocaleString('en-KE')} policies, ${b.holders.toLocaleString('en-KE')} holders, ${num(b.fileMb, 1)} MB) through the app's functions: upload + preview, confirm, the import job to the end; then the same file again.`,
    '',
    table(
      ['step', 'seconds'],
      [
        ['upload + preview (parse, validate, plan)', num(b.previewSeconds, 1)],
        ['import job (batches of 500 policies)', num(b.importSeconds, 1)],
        ['**upload to imported**', `**${num(b.totalSeconds, 1)}**`],
        ['same file again (preview + job, nothing to write)', num(b.reimportSeconds, 1)],
      ],
    ),
    '',
    `Rows written: ${b.rowsInDb.policies.toLocaleString('en-KE')} policies, ${b.rowsInDb.installments.toLocaleString('en-KE')} installments, ${b.rowsInDb.ledgerLines.toLocaleString('en-KE')} ledger lines. Re-import changed nothing: ${b.reimportUnchanged ? 'yes' : 'NO'}.`,
    '',
    `**${pass ? 'PASS' : 'FAIL'}**: upload to imported under ${b.targetSeconds} s (${num(b.totalSeconds, 1)} s), every installment written, re-import idempotent.`,
  ].join('\n');
}

export function renderReport(r: BenchResults): string {
  const parts = [machineSection(r)];
  if (r.callbacks) parts.push(callbackSection(r.callbacks));
  if (r.live) parts.push(liveSection(r.live));
  if (r.queries) parts.push(querySection(r.queries));
  if (r.pages) parts.push(pageSection(r.pages));
  if (r.book) parts.push(importSection(r.book));
  if (r.errors.length) parts.push(`## Parts that failed\n\n${r.errors.map((e) => `- ${e.part}: ${e.message}`).join('\n')}`);
  parts.push(`Phases: ${r.phases.map((p) => `${p.name} ${num(p.seconds, 1)} s`).join(' · ')}`);
  if (r.queries) parts.push(plansSection(r.queries));
  return parts.join('\n\n') + '\n';
}
