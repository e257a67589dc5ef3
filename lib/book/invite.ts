// Invites for holders an import created (they have no password): staff send a one-time link by
// email through the outbox; the holder sets a password with it. Only the token's SHA-256 is
// stored, it expires, and it works once. The holder sign-in by code (a later issue) replaces this.
import crypto from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { passwordSetupTokens, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { hashPassword } from '@/lib/auth/password';
import { enqueueJob } from '@/lib/jobs/queue';
import { wakeWorkers } from '@/lib/jobs/worker';
import { NOTIFY_DELIVER_JOB } from '@/lib/notifications/jobs';
import { queueMessage } from '@/lib/notifications/outbox';
import { isUuid } from '@/lib/uuid';
import { INSURER_NAME } from '@/lib/receipts/constants';
import { staffOnly } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';

export const INVITE_VALID_HOURS = 72;
const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export type InviteResult = { ok: true; message: string } | { ok: false; code: 'forbidden' | 'not_found' | 'invalid'; error: string };

export async function sendInvite(db: Db, viewer: Viewer, holderId: string, origin: string, now = new Date()): Promise<InviteResult> {
  const denied = staffOnly(viewer);
  if (denied) return denied;
  if (!isUuid(holderId)) return { ok: false, code: 'not_found', error: 'We could not find that holder.' };
  const token = crypto.randomBytes(32).toString('base64url');
  const result = await db.transaction(async (tx) => {
    const [holder] = await tx.select().from(users).where(and(eq(users.id, holderId), eq(users.role, 'policyholder')));
    if (!holder) return { ok: false as const, code: 'not_found' as const, error: 'We could not find that holder.' };
    const [row] = await tx
      .insert(passwordSetupTokens)
      .values({ userId: holder.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + INVITE_VALID_HOURS * 3600_000), createdBy: viewer.userId })
      .returning({ id: passwordSetupTokens.id });
    const first = holder.name.trim().split(/\s+/)[0] || 'there';
    const msg = await queueMessage(tx, {
      dedupeKey: `invite:${row.id}`,
      userId: holder.id,
      toEmail: holder.email,
      kind: 'invite',
      subject: `Pay your ${INSURER_NAME} premiums online`,
      textBody: [
        `Hello ${first},`,
        '',
        `You can now see your policies and pay premiums by M-Pesa or card online.`,
        `Set your password here (the link works once, for ${INVITE_VALID_HOURS} hours):`,
        `${origin}/set-password/${token}`,
        '',
        'If you did not expect this email, ignore it.',
        '',
        `Thank you,\n${INSURER_NAME}`,
      ].join('\n'),
    });
    await enqueueJob(tx, { kind: NOTIFY_DELIVER_JOB, key: `deliver:${msg.id}`, payload: { messageId: msg.id } });
    await recordAudit(tx, { actorId: viewer.userId, action: 'holder.invite', targetType: 'user', targetId: holder.id, detail: { email: holder.email } });
    return { ok: true as const, message: `Invite sent to ${holder.email}. The link works once, for ${INVITE_VALID_HOURS} hours.` };
  });
  if (result.ok) await wakeWorkers(db);
  return result;
}

const passwordInput = z
  .object({ password: z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.'), confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords are not the same.' });

/** Is this link usable? (The page shows the form only then.) */
export async function inviteFor(db: Db, token: string, now = new Date()) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await db
    .select({ email: users.email, name: users.name })
    .from(passwordSetupTokens)
    .innerJoin(users, eq(users.id, passwordSetupTokens.userId))
    .where(and(eq(passwordSetupTokens.tokenHash, hashToken(token)), isNull(passwordSetupTokens.usedAt), gt(passwordSetupTokens.expiresAt, now)));
  return row ?? null;
}

export async function setPasswordWithInvite(db: Db, token: string, input: { password: string; confirm: string }, now = new Date()) {
  const parsed = passwordInput.safeParse(input);
  if (!parsed.success) return { ok: false as const, error: parsed.error.issues[0].message };
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false as const, error: 'This link is not valid. Ask us for a new one.' };
  const passwordHash = await hashPassword(parsed.data.password);
  return db.transaction(async (tx) => {
    // The conditional update is the "once": a second use (or a race) finds nothing to claim.
    const [claimed] = await tx
      .update(passwordSetupTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordSetupTokens.tokenHash, hashToken(token)), isNull(passwordSetupTokens.usedAt), gt(passwordSetupTokens.expiresAt, now)))
      .returning({ userId: passwordSetupTokens.userId });
    if (!claimed) return { ok: false as const, error: 'This link has expired or was already used. Ask us for a new one.' };
    const [u] = await tx.update(users).set({ passwordHash }).where(eq(users.id, claimed.userId)).returning({ email: users.email });
    return { ok: true as const, email: u.email };
  });
}
