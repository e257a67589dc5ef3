// Starts the production server for browser tests on a fresh database: a new PostgreSQL database
// when DATABASE_URL names a server, else a new PGlite directory. Cleans up on exit.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function main() {
  const port = process.env.E2E_PORT || '3100';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: port,
    APP_URL: `http://localhost:${port}`,
    AUTH_SECRET: process.env.AUTH_SECRET || crypto.randomBytes(32).toString('base64url'),
    NODE_ENV: 'production',
    // One demo holder pays many times across the browser suite; faults/ tests the limits.
    RATE_LIMIT_PAYMENTS_PER_USER: '1000',
    RATE_LIMIT_PAYMENTS_PER_PHONE: '1000',
    // Small import batches with a pause between them, so the book spec sees the progress bar while
    // batches are written (PGlite runs one transaction at a time; the page's queries need turns).
    MALIPO_IMPORT_BATCH_POLICIES: '25',
    MALIPO_IMPORT_BATCH_PAUSE_MS: '100',
  };
  let cleanup = async () => {};
  if (process.env.DATABASE_URL) {
    const { default: postgres } = await import('postgres');
    const name = `malipo_e2e_${crypto.randomBytes(5).toString('hex')}`;
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    cleanup = async () => {
      const a = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    };
    console.log(`[e2e] PostgreSQL database ${name}`);
  } else {
    const dir = path.join(process.cwd(), '.data', `e2e-${Date.now()}`);
    env.PGLITE_DIR = dir;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    console.log(`[e2e] PGlite directory ${dir}`);
  }
  // E2E_STANDALONE=1: the deployable artifact instead of `next start`: .next/standalone copied to a
  // folder of its own with the static files beside it (as README's Production section says), run
  // with `node server.js`. Nothing from this checkout is on its path.
  let child;
  if (process.env.E2E_STANDALONE === '1') {
    const dir = assembleStandalone();
    const cleanupDb = cleanup;
    cleanup = async () => {
      await cleanupDb();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    console.log(`[e2e] standalone server from ${dir}`);
    child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { ...env, HOSTNAME: '0.0.0.0' }, stdio: 'inherit' });
  } else {
    child = spawn(path.join('node_modules', '.bin', 'next'), ['start', '-p', port], { env, stdio: 'inherit' });
  }
  // Clean up only once the server has exited: PGlite writes its directory until it closes.
  const stop = () => {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  child.on('exit', async (code) => {
    await cleanup();
    process.exit(code ?? 0);
  });
}

/** Copies the standalone build and its static files into a new folder outside the checkout. */
function assembleStandalone(): string {
  const dist = process.env.NEXT_DIST_DIR || '.next';
  const built = path.join(dist, 'standalone');
  if (!fs.existsSync(path.join(built, 'server.js'))) throw new Error(`${built}/server.js missing: run next build (output: 'standalone') first`);
  // One folder per port, replaced on each run: a run killed before its clean-up leaves one behind, not many.
  const dir = path.join(os.tmpdir(), `malipo-standalone-${process.env.E2E_PORT || '3100'}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(built, dir, { recursive: true, verbatimSymlinks: true });
  fs.cpSync(path.join(dist, 'static'), path.join(dir, dist, 'static'), { recursive: true });
  if (fs.existsSync('public')) fs.cpSync('public', path.join(dir, 'public'), { recursive: true });
  return dir;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
