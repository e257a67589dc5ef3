// Repeated failed sign-ins for one email are refused for a while (password guessing is slowed
// to a handful of tries per 15 minutes), across every app instance.
import type { Queryable } from '@/db/client';
import { abuseLimits, hitLimit, minutesText, peekLimit } from '@/lib/rate-limit';

const keyFor = (email: string) => `signin-fail:${email.trim().toLowerCase()}`;

/** A plain message when this email may not try again yet; null when it may. */
export async function signInBlocked(db: Queryable, email: string): Promise<string | null> {
  const state = await peekLimit(db, keyFor(email), abuseLimits().failedSignIns);
  return state.allowed ? null : `Too many failed sign-ins. Please wait ${minutesText(state.retryAfterSeconds)} and try again.`;
}

export async function recordFailedSignIn(db: Queryable, email: string) {
  await hitLimit(db, keyFor(email), abuseLimits().failedSignIns);
}
