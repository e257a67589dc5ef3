// Idempotency-Key on writes, as Stripe does it: the same key with the same request gets the first
// answer again (nothing is written twice); the same key with a different request gets 409. The
// key row is inserted first in the write's own transaction, so a concurrent retry with the same
// key waits on the unique index and then finds the stored answer. Kept 24 hours.
import crypto from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '@/db/client';
import { idempotencyKeys } from '@/db/integration-schema';
import { errorBody } from './errors';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export type StoredAnswer = { status: number; body: unknown };
export type IdempotentResult = StoredAnswer & { replayed: boolean };

export function requestHash(method: string, path: string, body: string): string {
  return crypto.createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex');
}

/**
 * Runs `write` in a transaction under the key (or without one when key is null). An answer with a
 * 5xx status is not stored (the transaction rolls back), so a retry really retries.
 */
export async function idempotent(
  db: Db,
  args: { apiKeyId: string; key: string | null; hash: string; now?: Date },
  write: (tx: Tx) => Promise<StoredAnswer>,
): Promise<IdempotentResult> {
  if (args.key === null) return { ...(await db.transaction(write)), replayed: false };
  const now = args.now ?? new Date();
  return db.transaction(async (tx) => {
    // An expired key is free again.
    await tx
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.apiKeyId, args.apiKeyId), eq(idempotencyKeys.key, args.key!), lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS))));
    const inserted = await tx
      .insert(idempotencyKeys)
      .values({ apiKeyId: args.apiKeyId, key: args.key!, requestHash: args.hash, status: 0, body: {}, createdAt: now })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (!inserted.length) {
      const [row] = await tx.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.apiKeyId, args.apiKeyId), eq(idempotencyKeys.key, args.key!)));
      if (row.requestHash !== args.hash)
        return {
          status: 409,
          body: errorBody('idempotency_key_reused', 'This Idempotency-Key was used with a different request in the last 24 hours. Use a new key for a new request.', 'Idempotency-Key'),
          replayed: false,
        };
      return { status: row.status, body: row.body, replayed: true };
    }
    const answer = await write(tx);
    if (answer.status >= 500) throw new Error(`write answered ${answer.status}`);
    await tx
      .update(idempotencyKeys)
      .set({ status: answer.status, body: answer.body as object })
      .where(and(eq(idempotencyKeys.apiKeyId, args.apiKeyId), eq(idempotencyKeys.key, args.key!)));
    return { ...answer, replayed: false };
  });
}

export function validIdempotencyKey(key: string | null): boolean {
  return key === null || /^[\x21-\x7e]{1,255}$/.test(key);
}

export async function pruneIdempotencyKeys(db: Queryable, now = new Date()) {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)));
}
