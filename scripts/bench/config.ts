// What the benchmark runs and how big. Everything scales with one number so a run on a busy machine
// (BENCH_SCALE=0.05) exercises exactly the code a quiet full run (BENCH_SCALE=1) does.
import crypto from 'node:crypto';
import path from 'node:path';

export const PARTS = ['callbacks', 'sse', 'page', 'queries', 'import'] as const;
export type Part = (typeof PARTS)[number];

export type BenchConfig = {
  scale: number;
  parts: Set<Part>;
  /** Some parts only (--only): results go to latest-<parts>.md, leaving the full report alone. */
  only: boolean;
  port: number;
  /** Always 127.0.0.1: every request of the benchmark stays on this machine. */
  origin: string;
  /** What the server and the browser call themselves (Auth.js builds redirects for localhost). */
  appUrl: string;
  serverUrl: string;
  authSecret: string;
  distDir: string;
  skipBuild: boolean;
  /** 1 (default): one instance answers HTTP and runs the job worker; 2: a web instance (worker off) plus a worker instance. */
  instances: 1 | 2;
  keepDb: boolean;
  root: string;
  resultsDir: string;
  tmpDir: string;
  /** Hard stop for the whole run, seconds. */
  maxSeconds: number;
  counts: {
    /** Callbacks (and floor requests, and floor updates) per concurrency level. */
    callbacksPerLevel: number;
    concurrencyLevels: number[];
    warmupCallbacks: number;
    /** Open SSE streams, and polling clients. */
    streams: number;
    queryPayments: number;
    queryHolders: number;
    queryRuns: number;
    /** Time budget per query case: a slow query stops after this many seconds (at least 10 runs). */
    querySeconds: number;
    pageRuns: number;
  };
};

function flag(argv: string[], name: string): string | undefined {
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  return argv.includes(`--${name}`) ? '1' : undefined;
}

function positive(v: string | undefined, fallback: number) {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function loadConfig(argv = process.argv.slice(2), env = process.env): BenchConfig {
  const scale = positive(flag(argv, 'scale') ?? env.BENCH_SCALE, 1);
  const only = (flag(argv, 'only') ?? env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`Unknown part(s) ${unknown.join(', ')}; choose from ${PARTS.join(', ')}`);
  const port = positive(flag(argv, 'port') ?? env.BENCH_PORT, 3107);
  const root = process.cwd();
  const s = (full: number, min: number) => Math.max(min, Math.round(full * scale));
  return {
    scale,
    parts: new Set((only.length ? only : PARTS) as Part[]),
    only: only.length > 0,
    port,
    origin: `http://127.0.0.1:${port}`,
    appUrl: `http://localhost:${port}`,
    serverUrl: env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    // Shared with the server so the benchmark can compute each payment's callback token.
    authSecret: crypto.randomBytes(32).toString('base64url'),
    distDir: '.next-bench',
    skipBuild: (flag(argv, 'skip-build') ?? env.BENCH_SKIP_BUILD) === '1',
    instances: (flag(argv, 'instances') ?? env.BENCH_INSTANCES) === '2' ? 2 : 1,
    keepDb: (flag(argv, 'keep-db') ?? env.BENCH_KEEP_DB) === '1',
    root,
    resultsDir: path.join(root, 'bench', 'results'),
    tmpDir: path.join(root, 'bench', 'tmp'),
    maxSeconds: positive(flag(argv, 'max-seconds') ?? env.BENCH_MAX_SECONDS, 1500),
    counts: {
      callbacksPerLevel: s(2000, 20),
      concurrencyLevels: [1, 10, 50],
      warmupCallbacks: 40,
      streams: s(500, 20),
      queryPayments: s(1_000_000, 10_000),
      queryHolders: s(20_000, 200),
      queryRuns: s(200, 30),
      querySeconds: positive(env.BENCH_QUERY_SECONDS, 20),
      pageRuns: s(5, 2),
    },
  };
}
