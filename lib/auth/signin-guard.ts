// Failed sign-ins are limited with sliding windows, counted per account *and client address*:
// a stranger guessing from their address slows down, then locks, only that account from that
// address; the holder signing in from anywhere else is not affected. A second, much higher limit
// per address (failures on any accounts) stops one address spraying guesses over many accounts,
// set high enough for carrier-grade NAT (Safaricom puts many holders behind one address).
// Every instance shares the counts (one row per failure in signin_failures).
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { signinFailures, users } from '@/db/schema';
import { minutesText } from '@/lib/rate-limit';

export type SignInLimits = {
  /** Failures allowed per account from one address within the window, then locked until one ages out. */
  perAccount: number;
  /** Failures allowed from one address over all accounts within the window. */
  perAddress: number;
  windowSeconds: number;
  /** Wait imposed before checking attempt n+1 after n recent failures (index n), in seconds. */
  delaysSeconds: number[];
};

function envInt(v: string | undefined, fallback: number) {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function signInLimits(env: NodeJS.ProcessEnv = process.env): SignInLimits {
  return {
    perAccount: envInt(env.RATE_LIMIT_FAILED_SIGNINS, 5),
    perAddress: envInt(env.RATE_LIMIT_FAILED_SIGNINS_PER_ADDRESS, 100),
    windowSeconds: 900,
    // Progressive: the first two mistakes cost nothing; then 1, 2, 4, 8… seconds since the last one.
    delaysSeconds: [0, 0, 1, 2, 4, 8, 16, 30],
  };
}

export type Attempt = { account: string; address: string };
export type Admission =
  | { allowed: true; attemptId: number; delayMs: number }
  | { allowed: false; message: string; retryAfterSeconds: number };

const accountKey = (email: string) => email.trim().toLowerCase();

type Counts = { mine: number; mineOldest: Date | null; mineLatest: Date | null; address: number; addressOldest: Date | null };

async function counts(db: Queryable, a: Attempt, since: Date): Promise<Counts> {
  const [row] = await db
    .select({
      mine: sql<number>`count(*) filter (where ${signinFailures.account} = ${a.account})::int`,
      mineOldest: sql<string | null>`min(${signinFailures.at}) filter (where ${signinFailures.account} = ${a.account})`,
      mineLatest: sql<string | null>`max(${signinFailures.at}) filter (where ${signinFailures.account} = ${a.account})`,
      address: sql<number>`count(*) filter (where not ${signinFailures.pending})::int`,
      addressOldest: sql<string | null>`min(${signinFailures.at}) filter (where not ${signinFailures.pending})`,
    })
    .from(signinFailures)
    .where(and(eq(signinFailures.address, a.address), gt(signinFailures.at, since)));
  const date = (v: string | Date | null) => (v === null ? null : new Date(v));
  return { mine: row.mine, mineOldest: date(row.mineOldest), mineLatest: date(row.mineLatest), address: row.address, addressOldest: date(row.addressOldest) };
}

function refusal(c: Counts, l: SignInLimits, now: Date): Admission | null {
  const until = (oldest: Date | null) => Math.max(1, Math.ceil(((oldest?.getTime() ?? now.getTime()) + l.windowSeconds * 1000 - now.getTime()) / 1000));
  if (c.address >= l.perAddress) {
    const s = until(c.addressOldest);
    return { allowed: false, retryAfterSeconds: s, message: `Too many failed sign-ins from your network. Please wait ${minutesText(s)} and try again.` };
  }
  if (c.mine >= l.perAccount) {
    const s = until(c.mineOldest);
    return { allowed: false, retryAfterSeconds: s, message: `Too many failed sign-ins. Please wait ${minutesText(s)} and try again.` };
  }
  return null;
}

/**
 * Admits one sign-in attempt, or refuses it (nothing is checked, nothing counted). An admitted
 * attempt is recorded at once as a pending failure, so parallel guesses see each other; the caller
 * waits `delayMs` before checking the password, then calls attemptSucceeded or attemptFailed.
 */
export async function admitSignIn(db: Queryable, attempt: Attempt, limits = signInLimits(), now = new Date()): Promise<Admission> {
  const a = { account: accountKey(attempt.account), address: attempt.address };
  const since = new Date(now.getTime() - limits.windowSeconds * 1000);
  return db.transaction(async (tx) => {
    // One admission at a time per address, on every instance: count-then-insert must not interleave.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`signin:${a.address}`}))`);
    const c = await counts(tx, a, since);
    const refused = refusal(c, limits, now);
    if (refused) return refused;
    const [row] = await tx.insert(signinFailures).values({ account: a.account, address: a.address, at: now }).returning({ id: signinFailures.id });
    const wait = (limits.delaysSeconds[Math.min(c.mine, limits.delaysSeconds.length - 1)] ?? 0) * 1000;
    const sinceLast = c.mineLatest ? now.getTime() - c.mineLatest.getTime() : Infinity;
    return { allowed: true, attemptId: row.id, delayMs: Math.max(0, wait - sinceLast) };
  });
}

/** The password (and code) were right: the attempt never counted. */
export async function attemptSucceeded(db: Queryable, attemptId: number) {
  await db.delete(signinFailures).where(eq(signinFailures.id, attemptId));
}

/** Wrong password or code: the attempt now counts against the address's overall limit as well. */
export async function attemptFailed(db: Queryable, attemptId: number) {
  await db.update(signinFailures).set({ pending: false }).where(eq(signinFailures.id, attemptId));
}

/** A plain message when this account may not try again yet from this address; null when it may. */
export async function signInBlocked(db: Queryable, email: string, address: string, limits = signInLimits(), now = new Date()): Promise<string | null> {
  const a = { account: accountKey(email), address };
  const refused = refusal(await counts(db, a, new Date(now.getTime() - limits.windowSeconds * 1000)), limits, now);
  return refused && !refused.allowed ? refused.message : null;
}

/** Records one failed sign-in outright (tests, and callers that checked without admitting first). */
export async function recordFailedSignIn(db: Queryable, email: string, address: string, now = new Date()) {
  await db.insert(signinFailures).values({ account: accountKey(email), address, at: now, pending: false });
}

export async function pruneSignInFailures(db: Queryable, olderThan: Date) {
  await db.delete(signinFailures).where(lt(signinFailures.at, olderThan));
}

/** The team page shows each member's last sign-in. */
export async function recordSignIn(db: Queryable, userId: string) {
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, userId));
}
