// The integration routes as plain functions of a Request (the app/api/v1 route files call them;
// tests call them with their own database).
import type { Db } from '@/db/client';
import { appOrigin } from '@/lib/env';
import { apiError } from './errors';
import { changesFeed } from './feed';
import { withApiKey } from './http';
import { idempotent, requestHash, validIdempotencyKey } from './idempotency';
import { openApiDocument } from './openapi';
import { policyObject, putPolicy } from './policies';
import { sinceQuerySchema } from './schemas';

const NO_STORE = { 'Cache-Control': 'no-store' };
const MAX_BODY = 256 * 1024;

function policyNumberOf(raw: string): string | null {
  let n: string;
  try {
    n = decodeURIComponent(raw).trim();
  } catch {
    return null;
  }
  return n && n.length <= 64 ? n : null;
}

export async function getPolicyRoute(req: Request, rawNumber: string, db?: Db): Promise<Response> {
  // Either policy scope reads: a system that writes policies may read back what it wrote.
  return withApiKey(
    req,
    'policies:read',
    async (ctx) => {
      const number = policyNumberOf(rawNumber);
      if (!number) return apiError('invalid_request', 'The policy number in the path is not valid.', 'number');
      const policy = await policyObject(ctx.db, number);
      if (!policy) return apiError('not_found', `No policy ${number}.`, 'number');
      return Response.json(policy, { headers: NO_STORE });
    },
    db,
    ['policies:write'],
  );
}

export async function putPolicyRoute(req: Request, rawNumber: string, db?: Db): Promise<Response> {
  return withApiKey(
    req,
    'policies:write',
    async (ctx) => {
      const number = policyNumberOf(rawNumber);
      if (!number) return apiError('invalid_request', 'The policy number in the path is not valid.', 'number');
      const key = req.headers.get('idempotency-key');
      if (!validIdempotencyKey(key)) return apiError('invalid_request', 'Idempotency-Key must be 1 to 255 printable ASCII characters.', 'Idempotency-Key');
      const raw = await req.text();
      if (raw.length > MAX_BODY) return apiError('invalid_request', 'The body is larger than 256 KB.', null);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return apiError('invalid_request', 'The body is not valid JSON.', null);
      }
      const answer = await idempotent(ctx.db, { apiKeyId: ctx.caller.keyId, key, hash: requestHash('PUT', `/api/v1/policies/${number}`, raw) }, (tx) =>
        putPolicy(tx, ctx.caller, number, body, raw),
      );
      return Response.json(answer.body, { status: answer.status, headers: { ...NO_STORE, ...(answer.replayed ? { 'Idempotent-Replayed': 'true' } : {}) } });
    },
    db,
  );
}

export async function listPaymentsRoute(req: Request, db?: Db): Promise<Response> {
  return withApiKey(
    req,
    'payments:read',
    async (ctx) => {
      const url = new URL(req.url);
      const q = sinceQuerySchema.safeParse({ since: url.searchParams.get('since') ?? undefined, limit: url.searchParams.get('limit') ?? undefined });
      if (!q.success) return apiError('invalid_request', q.error.issues[0].message, String(q.error.issues[0].path[0] ?? 'since'));
      const feed = await changesFeed(ctx.db, ctx.caller, Number(q.data.since ?? 0), q.data.limit ?? 100);
      if (!feed) return apiError('forbidden', 'This API key lacks the payments:read permission.', 'Authorization');
      return Response.json(feed, { headers: NO_STORE });
    },
    db,
  );
}

export function openApiRoute(): Response {
  return Response.json(openApiDocument(appOrigin()), { headers: { 'Cache-Control': 'public, max-age=300' } });
}
