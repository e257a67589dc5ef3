// npm run bench — builds and starts the production server on a fresh PostgreSQL database, runs the
// benchmarks (callbacks, SSE, pages, queries, and the 100,000-row book import), writes bench/results/latest.md (and .json), prints the same, and stops and drops
// everything it started, whatever happens (errors, Ctrl-C, or the --max-seconds watchdog).
//
//   npm run bench                                  full size (a quiet machine: a few minutes + the build)
//   BENCH_SCALE=0.05 npm run bench                 small, for a busy machine
//   npm run bench -- --only=callbacks,sse --skip-build --scale=0.1
//   npm run bench:import                           the book import alone (no build, no server; BENCH_IMPORT_ROWS to resize)
//
// Options (flag or env): --scale / BENCH_SCALE, --only / BENCH_ONLY (callbacks, sse, page,
// queries, import; a partial run writes latest-<parts>.md), --skip-build / BENCH_SKIP_BUILD=1 (reuse .next-bench), --keep-db / BENCH_KEEP_DB=1,
// --port / BENCH_PORT (3107), --max-seconds / BENCH_MAX_SECONDS (1500), BENCH_DATABASE_URL,
// BENCH_LEDGER=0 (no installments or ledger lines in the query data set).
// Progress goes to stderr, the report to stdout.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCallbackBench } from './callbacks';
import { loadConfig, type Part } from './config';
import { createBenchDatabase, serverVersion, type BenchDatabase } from './database';
import { BENCH_HOLDER, createBenchHolder, createPendingPayments } from './fixtures';
import { signIn, type Session } from './http';
import { runLiveBench } from './live';
import { describeMachine } from './machine';
import { runPageBench } from './page';
import { buildApp, serverEnv, startServer, stopEverythingStarted, type Server } from './processes';
import { runQueryBench } from './queries';
import { runImportBench } from './import';
import { renderReport, type BenchResults } from './report';

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<number> {
  const cfg = loadConfig();
  const cleanups: { name: string; fn: () => Promise<void> }[] = [];
  let cleaning: Promise<void> | undefined;
  // Stops our child processes (server, a build mid-way) first, then undoes the rest newest first.
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const c of [{ name: 'child processes', fn: stopEverythingStarted }, ...cleanups.reverse()]) {
        await c.fn().catch((err) => log(`[bench] cleanup ${c.name} failed: ${err instanceof Error ? err.message : String(err)}`));
      }
    })());
  const abort = (why: string, code: number) => {
    log(`[bench] ${why}: stopping what was started`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  const watchdog = setTimeout(() => abort(`over --max-seconds=${cfg.maxSeconds}`, 1), cfg.maxSeconds * 1000);

  const phases: BenchResults['phases'] = [];
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    log(`[bench] ${name}…`);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      phases.push({ name, seconds: (performance.now() - t0) / 1000 });
    }
  };
  const errors: BenchResults['errors'] = [];
  const attempt = async <T>(part: Part, fn: () => Promise<T>): Promise<T | undefined> => {
    if (!cfg.parts.has(part)) return undefined;
    try {
      return await phase(part, fn);
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`[bench] ${part} failed: ${message}`);
      errors.push({ part, message: message.split('\n')[0] });
      return undefined;
    }
  };

  try {
    log(`[bench] scale ${cfg.scale}; parts: ${[...cfg.parts].join(', ')}; logs in ${path.relative(cfg.root, cfg.tmpDir)}/`);
    const bench: BenchDatabase = await phase('create database', () => createBenchDatabase(cfg.serverUrl));
    if (!cfg.keepDb) cleanups.push({ name: `drop database ${bench.name}`, fn: () => bench.drop() });
    else log(`[bench] keeping database ${bench.name}`);
    const results: BenchResults = { machine: describeMachine(await serverVersion(bench.sql)), scale: cfg.scale, instances: cfg.instances, errors, phases };
    // Before the server starts, so its first-start seeding sees users and leaves the demo data out.
    const holderId = await createBenchHolder(bench.sql);

    const needsServer = cfg.parts.has('callbacks') || cfg.parts.has('sse') || cfg.parts.has('page');
    if (needsServer) {
      const env = serverEnv(cfg, bench.url);
      const built = fs.existsSync(path.join(cfg.root, cfg.distDir, 'BUILD_ID'));
      if (cfg.skipBuild && built) log(`[bench] reusing ${cfg.distDir}`);
      else await phase('next build', () => buildApp(cfg, env));
      // Two instances of the same build on one database, as production would scale: the one the
      // load hits answers HTTP with its job worker off; the other gets no traffic and runs the
      // worker (applies callbacks, sends emails). That is BENCH_INSTANCES=2; by default one
      // instance does both, as `npm start` runs it.
      const split = cfg.instances === 2;
      const server: Server = await phase('next start', () => startServer(cfg, split ? { ...env, MALIPO_DISABLE_WORKER: '1' } : env));
      let worker: Server | undefined;
      if (split) {
        const port = cfg.port + 1;
        worker = await phase('next start (worker)', () =>
          startServer({ ...cfg, port, origin: `http://127.0.0.1:${port}` }, { ...env, PORT: String(port) }, 120_000, 'worker.log'),
        );
      }
      const session: Session = await signIn(cfg.origin, BENCH_HOLDER.email, BENCH_HOLDER.password);

      results.callbacks = await attempt('callbacks', () => runCallbackBench(cfg, bench, holderId, log));
      results.live = await attempt('sse', () => runLiveBench(cfg, bench, holderId, session, log));
      results.pages = await attempt('page', async () => {
        const [p] = await createPendingPayments(bench.sql, holderId, 'page', 1);
        return runPageBench(cfg, session, { policyId: p.policyId, paymentId: p.id }, log);
      });
      // The query part needs no server: give PostgreSQL the machine.
      await phase('stop server', () => Promise.all([server.stop(), worker?.stop()]).then(() => undefined));
    }
    results.queries = await attempt('queries', () => runQueryBench(cfg, bench, log));
    results.book = await attempt('import', () => runImportBench(cfg, bench, log));

    const report = renderReport(results);
    fs.mkdirSync(cfg.resultsDir, { recursive: true });
    // A partial run (--only) writes its own file so it never replaces the full report.
    const base = cfg.only ? `latest-${[...cfg.parts].join('-')}` : 'latest';
    fs.writeFileSync(path.join(cfg.resultsDir, `${base}.md`), report);
    fs.writeFileSync(path.join(cfg.resultsDir, `${base}.json`), JSON.stringify(results, null, 2) + '\n');
    process.stdout.write(report);
    log(`[bench] wrote ${path.relative(cfg.root, path.join(cfg.resultsDir, `${base}.md`))}`);
    return errors.length ? 1 : 0;
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
