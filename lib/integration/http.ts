// The frame of every integration route: bearer key -> scope -> per-key rate limit -> handler,
// answering JSON errors (lib/integration/errors.ts). No session and no cookies are involved, so
// the proxy lets /api/v1/* through and there is nothing for CSRF to ride on.
import { getDb, type Db } from '@/db/client';
import { log } from '@/lib/log';
import { hitLimit } from '@/lib/rate-limit';
import { apiError } from './errors';
import { authenticateKey, type ApiCaller } from './keys';
import type { ApiScope } from './scopes';

export type ApiContext = { db: Db; caller: ApiCaller };

/** RATE_LIMIT_API_PER_KEY: requests per key per minute (default 600). */
export function apiRateLimit(env: NodeJS.ProcessEnv = process.env) {
  const n = Number(env.RATE_LIMIT_API_PER_KEY);
  return { limit: Number.isInteger(n) && n > 0 ? n : 600, windowSeconds: 60 };
}

export function bearerOf(req: Request): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get('authorization') ?? '');
  return m ? m[1] : null;
}

/** `alsoAccepted`: other scopes that imply this one (policies:write may read a policy back). */
export async function withApiKey(req: Request, scope: ApiScope, handler: (ctx: ApiContext) => Promise<Response>, dbArg?: Db, alsoAccepted: ApiScope[] = []): Promise<Response> {
  const started = performance.now();
  const db = dbArg ?? (await getDb());
  const key = bearerOf(req);
  if (!key) return apiError('unauthorized', 'Send your API key as "Authorization: Bearer <key>".', 'Authorization');
  const caller = await authenticateKey(db, key);
  if (!caller) return apiError('unauthorized', 'This API key is not valid or has been revoked.', 'Authorization');
  if (![scope, ...alsoAccepted].some((s) => caller.scopes.includes(s))) return apiError('forbidden', `This API key lacks the ${scope} permission.`, 'Authorization');
  const limit = await hitLimit(db, `api:${caller.keyId}`, apiRateLimit());
  if (!limit.allowed)
    return apiError('rate_limited', `Too many requests for this key; try again in ${limit.retryAfterSeconds} s.`, null, { 'Retry-After': String(limit.retryAfterSeconds) });
  let response: Response;
  try {
    response = await handler({ db, caller });
  } catch (err) {
    log.error({ event: 'api.failed', keyId: caller.keyId, path: new URL(req.url).pathname, err }, 'integration API request failed');
    response = apiError('internal_error', 'Something went wrong on our side; nothing was changed. Try again (with the same Idempotency-Key).');
  }
  log.info({ event: 'api.request', keyId: caller.keyId, method: req.method, path: new URL(req.url).pathname, status: response.status, durationMs: Math.round(performance.now() - started) }, 'integration API request');
  return response;
}
