// Abuse limits shared by every instance: fixed-window counters in PostgreSQL (payment initiation;
// failed sign-ins use sliding windows per account and address, lib/auth/signin-guard.ts).
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { rateLimits } from '@/db/schema';

export type Limit = { limit: number; windowSeconds: number };
export type LimitResult = { allowed: boolean; count: number; retryAfterSeconds: number };

function windowOf(now: Date, windowSeconds: number) {
  const ms = windowSeconds * 1000;
  const start = new Date(Math.floor(now.getTime() / ms) * ms);
  return { start, retryAfterSeconds: Math.ceil((start.getTime() + ms - now.getTime()) / 1000) };
}

/** Counts one attempt against `key` and says whether it is within the limit. */
export async function hitLimit(db: Queryable, key: string, l: Limit, now = new Date()): Promise<LimitResult> {
  const { start, retryAfterSeconds } = windowOf(now, l.windowSeconds);
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: start, count: 1 })
    .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + 1` } })
    .returning({ count: rateLimits.count });
  return { allowed: row.count <= l.limit, count: row.count, retryAfterSeconds };
}

/** How many attempts `key` has made in the current window, without counting one. */
export async function peekLimit(db: Queryable, key: string, l: Limit, now = new Date()): Promise<LimitResult> {
  const { start, retryAfterSeconds } = windowOf(now, l.windowSeconds);
  const [row] = await db
    .select({ count: rateLimits.count })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, key), eq(rateLimits.windowStart, start)));
  const count = row?.count ?? 0;
  return { allowed: count < l.limit, count, retryAfterSeconds };
}

export async function pruneLimits(db: Queryable, olderThan: Date) {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, olderThan));
}

function envInt(v: string | undefined, fallback: number) {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Limits from the environment (tests raise them; production keeps the defaults). */
export function abuseLimits(env: NodeJS.ProcessEnv = process.env) {
  return {
    paymentsPerUser: { limit: envInt(env.RATE_LIMIT_PAYMENTS_PER_USER, 20), windowSeconds: 600 },
    paymentsPerPhone: { limit: envInt(env.RATE_LIMIT_PAYMENTS_PER_PHONE, 10), windowSeconds: 600 },
    // The public receipt check, per client address: plenty for people, useless for enumerating.
    receiptChecks: { limit: envInt(env.RATE_LIMIT_RECEIPT_CHECKS, 30), windowSeconds: 600 },
  };
}

export function minutesText(seconds: number) {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** The client's address as the nearest proxy reports it (first X-Forwarded-For hop), for per-client limits. */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return (forwarded || headers.get('x-real-ip') || 'unknown').slice(0, 64);
}
