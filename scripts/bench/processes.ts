// Child processes the benchmark starts: `next build` and `next start`. Each runs in its own process
// group (detached) so stopping it also stops whatever it forked, and only what we started is killed,
// by its own id. Output goes to bench/tmp/*.log, not to the report.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { BenchConfig } from './config';

const NEXT_BIN = path.join('node_modules', '.bin', 'next');

// Everything started here and not yet stopped, plus the build's shared-file repair, so an
// interrupted run (Ctrl-C, watchdog) can still stop and undo exactly what it started.
const running = new Set<ChildProcess>();
let undoPending: (() => void) | null = null;

function track(child: ChildProcess) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export async function stopEverythingStarted(): Promise<void> {
  await Promise.all([...running].map((c) => stopGroup(c)));
  undoPending?.();
}

/** The server's environment: sandbox gateways, our secret, a fresh database. */
export function serverEnv(cfg: BenchConfig, databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Never let a developer's real gateway credentials or database leak into a load test.
  for (const key of Object.keys(env)) {
    if (/^(MPESA_|PAYSTACK_|SMTP_|DATABASE_URL$|PGLITE_DIR$|AUTH_URL$)/.test(key)) delete env[key];
  }
  return {
    ...env,
    NODE_ENV: 'production',
    NEXT_DIST_DIR: cfg.distDir,
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(cfg.port),
    APP_URL: cfg.appUrl,
    AUTH_SECRET: cfg.authSecret,
    DATABASE_URL: databaseUrl,
    MALIPO_BENCH: '1',
    // The job worker runs, as in production: it applies the callbacks (and queues their emails).
  };
}

function logStream(cfg: BenchConfig, name: string) {
  fs.mkdirSync(cfg.tmpDir, { recursive: true });
  const file = path.join(cfg.tmpDir, name);
  return { file, fd: fs.openSync(file, 'w') };
}

/** Signals a process group, then SIGKILLs it if it is still there after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}

/**
 * `next build` adds "<distDir>/types/**" entries to tsconfig.json's include and points
 * next-env.d.ts at <distDir>. Both are shared files: take back exactly our own entries (anything
 * else someone changed meanwhile stays), so a benchmark run leaves no diff behind.
 */
export function undoBuildEdits(cfg: Pick<BenchConfig, 'root' | 'distDir'>, nextEnvBefore: string | null) {
  const tsconfig = path.join(cfg.root, 'tsconfig.json');
  try {
    const text = fs.readFileSync(tsconfig, 'utf8');
    const json = JSON.parse(text) as { include?: string[] };
    const ours = (p: string) => p.startsWith(`${cfg.distDir}/`);
    // Only rewrite a file that round-trips exactly (Next writes 2-space JSON), so no formatting changes.
    if (json.include?.some(ours) && JSON.stringify(json, null, 2) + '\n' === text) {
      json.include = json.include.filter((p) => !ours(p));
      fs.writeFileSync(tsconfig, JSON.stringify(json, null, 2) + '\n');
    }
  } catch {
    // not JSON we understand: leave it alone
  }
  const nextEnv = path.join(cfg.root, 'next-env.d.ts');
  try {
    if (nextEnvBefore !== null && fs.readFileSync(nextEnv, 'utf8').includes(`./${cfg.distDir}/`)) fs.writeFileSync(nextEnv, nextEnvBefore);
  } catch {}
}

export async function buildApp(cfg: BenchConfig, env: NodeJS.ProcessEnv, timeoutMs = 20 * 60_000): Promise<number> {
  const { file, fd } = logStream(cfg, 'build.log');
  const started = Date.now();
  const nextEnvFile = path.join(cfg.root, 'next-env.d.ts');
  const nextEnvBefore = fs.existsSync(nextEnvFile) ? fs.readFileSync(nextEnvFile, 'utf8') : null;
  undoPending = () => undoBuildEdits(cfg, nextEnvBefore);
  const child = track(spawn(NEXT_BIN, ['build'], { cwd: cfg.root, env, detached: true, stdio: ['ignore', fd, fd] }));
  fs.closeSync(fd);
  const timer = setTimeout(() => void stopGroup(child, 2000), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  undoBuildEdits(cfg, nextEnvBefore);
  undoPending = null;
  if (code !== 0) throw new Error(`next build failed (exit ${code}); see ${file}`);
  return (Date.now() - started) / 1000;
}

export type Server = { child: ChildProcess; logFile: string; stop(): Promise<void> };

/** `next start` on 127.0.0.1 only, resolved once it answers a page (migrations done, hub ready). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export async function startServer(cfg: BenchConfig, env: NodeJS.ProcessEnv, timeoutMs = 120_000, logName = 'server.log'): Promise<Server> {
  // Otherwise the readiness poll below could be answered by someone else's server.
  if (await portTaken(cfg.port)) throw new Error(`port ${cfg.port} is already in use (another bench run?); choose one with --port`);
  const { file, fd } = logStream(cfg, logName);
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") runs the server under
  // node with those flags, to profile it (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const startArgs = ['start', '-p', String(cfg.port), '-H', '127.0.0.1'];
  const [cmd, args] = nodeArgs.length
    ? [process.execPath, [...nodeArgs, path.join('node_modules', 'next', 'dist', 'bin', 'next'), ...startArgs]]
    : [NEXT_BIN, startArgs];
  const child = track(spawn(cmd, args, { cwd: cfg.root, env, detached: true, stdio: ['ignore', fd, fd] }));
  fs.closeSync(fd);
  const server: Server = { child, logFile: file, stop: () => stopGroup(child) };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}); see ${file}`);
    try {
      const res = await fetch(`${cfg.origin}/login`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await server.stop();
  throw new Error(`next start did not answer within ${timeoutMs / 1000}s; see ${file}`);
}
