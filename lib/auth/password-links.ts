// One-time links to set a password: the first administrator (npm run staff:create) and invited
// staff, and holders an import created (lib/book/invite.ts). The link carries 32 random bytes; only their SHA-256 is stored, so a database reader
// cannot use a pending link. A link works once (a conditional UPDATE claims it) and for 48 hours.
import crypto from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { passwordTokens, users } from '@/db/schema';
import { appOrigin } from '@/lib/env';
import { hashPassword } from './password';

export const LINK_TTL_MS = 48 * 3600_000;
/** Marks an account that has no password yet: never a valid scrypt hash, so no sign-in matches it. */
export const NO_PASSWORD = '!';

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export function setPasswordPath(token: string) {
  return `/set-password/${token}`;
}

/** Issues a new link for the user (older unused links stay valid until they expire or one is used). */
export async function issuePasswordLink(db: Queryable, userId: string, createdBy: string | null, now = new Date(), origin = appOrigin(), ttlMs = LINK_TTL_MS) {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.insert(passwordTokens).values({ userId, tokenHash: hashToken(token), createdBy, createdAt: now, expiresAt });
  return { token, url: `${origin}${setPasswordPath(token)}`, expiresAt };
}

const tokenShape = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Who a link is for, while it is still usable (for the page's greeting); null otherwise. */
export async function peekPasswordLink(db: Queryable, token: string, now = new Date()) {
  if (!tokenShape.safeParse(token).success) return null;
  const [row] = await db
    .select({ email: users.email, name: users.name })
    .from(passwordTokens)
    .innerJoin(users, eq(users.id, passwordTokens.userId))
    .where(and(eq(passwordTokens.tokenHash, hashToken(token)), isNull(passwordTokens.usedAt), gt(passwordTokens.expiresAt, now), isNull(users.deactivatedAt)));
  return row ?? null;
}

export const newPasswordSchema = z
  .object({
    password: z.string().min(12, 'Use at least 12 characters.').max(200, 'Use at most 200 characters.'),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { message: 'The two passwords do not match.', path: ['confirm'] });

export type SetPasswordResult = { ok: true; email: string; role: string } | { ok: false; code: 'invalid' | 'expired'; error: string };

/** Uses the link once: sets the password and burns the link (and any other open link of that user). */
export async function usePasswordLink(db: Queryable, token: string, raw: { password: string; confirm: string }, now = new Date()): Promise<SetPasswordResult> {
  const input = newPasswordSchema.safeParse(raw);
  if (!input.success) return { ok: false, code: 'invalid', error: input.error.issues[0].message };
  const expired: SetPasswordResult = { ok: false, code: 'expired', error: 'This link has expired or was already used. Ask whoever sent it for a new one.' };
  if (!tokenShape.safeParse(token).success) return expired;
  const passwordHash = await hashPassword(input.data.password);
  return db.transaction(async (tx) => {
    // Claimed with a conditional UPDATE: of two submissions at once, exactly one gets the row.
    const [claimed] = await tx
      .update(passwordTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordTokens.tokenHash, hashToken(token)), isNull(passwordTokens.usedAt), gt(passwordTokens.expiresAt, now)))
      .returning({ userId: passwordTokens.userId });
    if (!claimed) return expired;
    const [user] = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, claimed.userId), isNull(users.deactivatedAt)))
      .returning({ email: users.email, role: users.role });
    if (!user) return expired;
    await tx.update(passwordTokens).set({ usedAt: now }).where(and(eq(passwordTokens.userId, claimed.userId), isNull(passwordTokens.usedAt)));
    return { ok: true as const, email: user.email, role: user.role };
  });
}
