// Runs the production build as a child process for fault tests, on a database of the test's
// choosing, and can kill it the hard way.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const DIST_DIR = process.env.NEXT_DIST_DIR || '.next';

/** Builds once if there is no production build yet (CI has one from the browser tests). */
export function ensureBuild() {
  if (fs.existsSync(path.join(DIST_DIR, 'BUILD_ID'))) return;
  const r = spawnSync(path.join('node_modules', '.bin', 'next'), ['build'], { stdio: 'inherit', env: { ...process.env, NEXT_DIST_DIR: DIST_DIR } });
  if (r.status !== 0) throw new Error('next build failed');
}

export type AppServer = { origin: string; child: ChildProcess; kill(signal?: NodeJS.Signals): Promise<void>; /** Everything it printed so far. */ output(): string };

export async function startApp(opts: { port: number; databaseUrl: string; secret: string; env?: Record<string, string> }): Promise<AppServer> {
  const origin = `http://localhost:${opts.port}`;
  const child = spawn(path.join('node_modules', '.bin', 'next'), ['start', '-p', String(opts.port)], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_DIST_DIR: DIST_DIR,
      DATABASE_URL: opts.databaseUrl,
      AUTH_SECRET: opts.secret,
      APP_URL: origin,
      PORT: String(opts.port),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`);
    try {
      const res = await fetch(`${origin}/login`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server not ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    origin,
    child,
    output: () => log,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}

export const randomSecret = () => crypto.randomBytes(24).toString('base64url');

/** Runs `fn` over items with at most `concurrency` in flight. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
