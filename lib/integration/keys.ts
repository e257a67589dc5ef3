// API keys for the insurer's systems. A key is 32 random bytes shown once at creation; the
// database keeps only its SHA-256, so a copy of the database cannot call the API. Every call
// finds its key by that hash, checks it is not revoked and carries the scope, and stamps last use.
import crypto from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '@/db/client';
import { apiKeys, type ApiKey } from '@/db/integration-schema';
import { users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { denyUnless, type Forbidden } from '@/lib/auth/roles';
import { isUuid } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { API_SCOPES, type ApiScope } from './scopes';

/** Recognisable in a leaked log or a commit (secret scanners can match it). */
export const API_KEY_PREFIX = 'mlp_key_';

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newApiKeySecret(): string {
  return API_KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
}

export const newKeySchema = z.object({
  name: z.string().trim().min(2, 'Name the key after the system that uses it (at least 2 characters).').max(80, 'Keep the name under 80 characters.'),
  scopes: z.array(z.enum(API_SCOPES, { message: 'Unknown scope.' })).min(1, 'Pick at least one permission for the key.'),
});

export type KeyResult = { ok: true; message: string; key?: string; id?: string } | { ok: false; code: 'invalid' | 'not_found'; error: string } | Forbidden;

/** Creates a key; the plain key is in the result once and nowhere else. */
export async function createApiKey(db: Db, viewer: Viewer, raw: { name: string; scopes: string[] }): Promise<KeyResult> {
  const denied = denyUnless(viewer, 'integrations.manage');
  if (denied) return denied;
  const input = newKeySchema.safeParse(raw);
  if (!input.success) return { ok: false, code: 'invalid', error: input.error.issues[0].message };
  const key = newApiKeySecret();
  const scopes = [...new Set(input.data.scopes)].sort();
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name: input.data.name, prefix: key.slice(0, API_KEY_PREFIX.length + 6), keyHash: hashApiKey(key), scopes, createdBy: viewer.userId })
      .returning({ id: apiKeys.id });
    await recordAudit(tx, { actorId: viewer.userId, action: 'api_key.create', targetType: 'api_key', targetId: row.id, detail: { name: input.data.name, scopes } });
    return row.id;
  });
  return { ok: true, id, key, message: `Key "${input.data.name}" created. Copy it now: it is not shown again.` };
}

export async function revokeApiKey(db: Db, viewer: Viewer, id: string): Promise<KeyResult> {
  const denied = denyUnless(viewer, 'integrations.manage');
  if (denied) return denied;
  if (!isUuid(id)) return { ok: false, code: 'not_found', error: 'We could not find that key.' };
  return db.transaction(async (tx) => {
    const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning();
    if (!row) return { ok: false as const, code: 'not_found' as const, error: 'That key does not exist or was already revoked.' };
    await recordAudit(tx, { actorId: viewer.userId, action: 'api_key.revoke', targetType: 'api_key', targetId: id, detail: { name: row.name } });
    return { ok: true as const, message: `Key "${row.name}" revoked. Calls with it now get 401.` };
  });
}

export type KeyListItem = Omit<ApiKey, 'keyHash'> & { createdByName: string };

export async function listApiKeys(db: Queryable, viewer: Viewer): Promise<KeyListItem[]> {
  if (denyUnless(viewer, 'integrations.manage')) return [];
  const rows = await db
    .select({ k: apiKeys, createdByName: users.name })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.createdBy))
    .orderBy(sql`${apiKeys.revokedAt} is not null`, desc(apiKeys.createdAt));
  return rows.map(({ k, createdByName }) => {
    const { keyHash: _hash, ...rest } = k;
    void _hash;
    return { ...rest, createdByName };
  });
}

export type ApiCaller = { keyId: string; name: string; scopes: ApiScope[]; createdBy: string };

/** The caller behind a bearer key, or null (unknown or revoked). Stamps last use at most once a minute. */
export async function authenticateKey(db: Queryable, key: string, now = new Date()): Promise<ApiCaller | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(key)));
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000)
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  return { keyId: row.id, name: row.name, scopes: row.scopes as ApiScope[], createdBy: row.createdBy };
}
