// Everything a sign-in attempt must pass, in one place (the Credentials provider calls it for the
// sign-in form and for Auth.js's own endpoint alike): the failure limits for this account from this
// address, the password (or a ticket proving it was right a moment ago), and for accounts with
// two-factor on, a current authenticator code or an unused recovery code.
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { users, type User } from '@/db/schema';
import { dummyHash, verifyPassword } from './password';
import { admitSignIn, attemptFailed, attemptSucceeded, signInLimits, type SignInLimits } from './signin-guard';
import { openSecret } from './two-factor/secret-box';
import { checkTotp } from './two-factor/totp';
import { spendRecoveryCode } from './two-factor/recovery-codes';
import { issueTicket, ticketValid } from './two-factor/ticket';

export type SignInInput = { email: string; password?: string; ticket?: string; code?: string };

export type SignInResult =
  | { ok: true; user: User; secondFactor: 'none' | 'totp' | 'recovery_code' }
  | { ok: false; reason: 'blocked'; message: string }
  | { ok: false; reason: 'invalid' }
  // The password was right; ask for the code, carrying the ticket instead of the password.
  | { ok: false; reason: 'code_required'; ticket: string }
  | { ok: false; reason: 'code_invalid'; ticket: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function checkSignIn(
  db: Queryable,
  input: SignInInput,
  address: string,
  opts: { limits?: SignInLimits; now?: Date } = {},
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const now = opts.now ?? new Date();
  const admission = await admitSignIn(db, { account: email, address }, opts.limits ?? signInLimits(), now);
  if (!admission.allowed) return { ok: false, reason: 'blocked', message: admission.message };
  // Progressive delay: repeated failures from this address make each next answer slower.
  if (admission.delayMs > 0) await sleep(admission.delayMs);

  const fail = async <T extends SignInResult>(r: T) => {
    await attemptFailed(db, admission.attemptId);
    return r;
  };
  const [user] = await db.select().from(users).where(eq(users.email, email));
  // A holder loaded from the insurer's book has no password yet: the same answer as a wrong one.
  const withPassword = user?.passwordHash ? { ...user, passwordHash: user.passwordHash } : null;
  const firstFactor = input.ticket
    ? !!withPassword && ticketValid(input.ticket, withPassword, now.getTime())
    : (await verifyPassword(input.password ?? '', withPassword?.passwordHash ?? (await dummyHash()))) && !!withPassword;
  // A deactivated account gets the same answer as a wrong password.
  if (!user || !withPassword || !firstFactor || user.deactivatedAt) return fail({ ok: false, reason: 'invalid' });

  const sealed = user.totpEnabledAt ? user.totpSecret : null;
  if (!sealed) {
    await attemptSucceeded(db, admission.attemptId);
    return { ok: true, user, secondFactor: 'none' };
  }
  const ticket = issueTicket(withPassword, now.getTime());
  if (!input.code?.trim()) {
    await attemptSucceeded(db, admission.attemptId); // a right password is not a failure
    return { ok: false, reason: 'code_required', ticket };
  }
  const secret = openSecret(sealed);
  const step = secret ? await checkTotp(secret, input.code, user.totpLastStep, now.getTime()) : null;
  if (step !== null && (await claimStep(db, user.id, step))) {
    await attemptSucceeded(db, admission.attemptId);
    return { ok: true, user, secondFactor: 'totp' };
  }
  if (await spendRecoveryCode(db, user.id, input.code, now)) {
    await attemptSucceeded(db, admission.attemptId);
    return { ok: true, user, secondFactor: 'recovery_code' };
  }
  return fail({ ok: false, reason: 'code_invalid', ticket });
}

/** Records the accepted time step; false when a parallel sign-in used this code (or a later one) first. */
async function claimStep(db: Queryable, userId: string, step: number) {
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return rows.length === 1;
}
