// HTTP plumbing: bounded-concurrency load on keep-alive undici pools (the benchmark's own
// autocannon), and signing in through Auth.js's credentials endpoint like a browser would.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export type Timed = { ok: boolean; ms: number; status: number; body: string; error?: string };

/** One keep-alive connection per worker, so concurrency N means N requests in flight, no more. */
export function keepAlivePool(origin: string, connections: number) {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
}

/** Sends one request and reads the whole answer; the time includes reading the body. */
export async function timedRequest(
  pool: Pool,
  opts: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string },
): Promise<Timed> {
  const t0 = performance.now();
  try {
    const res = await pool.request({ method: opts.method, path: opts.path, headers: opts.headers, body: opts.body });
    const body = await res.body.text();
    return { ok: res.statusCode < 400, ms: performance.now() - t0, status: res.statusCode, body };
  } catch (err) {
    return { ok: false, ms: performance.now() - t0, status: 0, body: '', error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Runs `fn` over `items` with at most `concurrency` in flight. Stops starting new work at the
 * deadline (a slow machine gives a partial, labelled result rather than a run that never ends).
 * Returns how many items were started.
 */
export async function runBounded<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
  deadlineMs: number,
): Promise<number> {
  const stopAt = Date.now() + deadlineMs;
  let next = 0;
  const worker = async () => {
    while (next < items.length && Date.now() < stopAt) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return next;
}

function setCookies(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((c) => {
    const pair = c.split(';')[0];
    const eq = pair.indexOf('=');
    return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
  });
}

export type Session = { cookieHeader: string; cookies: { name: string; value: string }[] };

/**
 * GET /api/auth/csrf, then POST the credentials form to /api/auth/callback/credentials with the
 * CSRF cookie, keeping every cookie set (the JWT session cookie among them). Checked against
 * /api/auth/session so a silent failure cannot turn into 500 unauthenticated streams.
 */
export async function signIn(origin: string, email: string, password: string): Promise<Session> {
  const pool = new Pool(origin, { connections: 1 });
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  try {
    const csrf = await pool.request({ method: 'GET', path: '/api/auth/csrf' });
    setCookies(csrf.headers).forEach(([k, v]) => jar.set(k, v));
    const { csrfToken } = (await csrf.body.json()) as { csrfToken: string };
    const login = await pool.request({
      method: 'POST',
      path: '/api/auth/callback/credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: '/dashboard' }).toString(),
    });
    await login.body.text();
    setCookies(login.headers).forEach(([k, v]) => (v ? jar.set(k, v) : jar.delete(k)));
    const check = await pool.request({ method: 'GET', path: '/api/auth/session', headers: { cookie: cookieHeader() } });
    const session = (await check.body.json()) as { user?: { email?: string } } | null;
    if (session?.user?.email !== email) {
      throw new Error(`sign-in as ${email} failed (HTTP ${login.statusCode}, location ${String(login.headers.location)})`);
    }
    return { cookieHeader: cookieHeader(), cookies: [...jar].map(([name, value]) => ({ name, value })) };
  } finally {
    await pool.close();
  }
}
