// Invites for holders an import created (they have no password): staff send a one-time link by
// email through the outbox; the holder sets a password with it. Only the token's SHA-256 is
// stored, it expires, and it works once. The holder sign-in by code (a later issue) replaces this.
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { issuePasswordLink } from '@/lib/auth/password-links';
import { enqueueJob } from '@/lib/jobs/queue';
import { wakeWorkers } from '@/lib/jobs/worker';
import { NOTIFY_DELIVER_JOB } from '@/lib/notifications/jobs';
import { queueMessage } from '@/lib/notifications/outbox';
import { isUuid } from '@/lib/uuid';
import { INSURER_NAME } from '@/lib/receipts/constants';
import { denyUnless } from '@/lib/auth/roles';
import type { Viewer } from '@/lib/viewer';

export const INVITE_VALID_HOURS = 72;

export type InviteResult = { ok: true; message: string } | { ok: false; code: 'forbidden' | 'not_found' | 'invalid'; error: string };

export async function sendInvite(db: Db, viewer: Viewer, holderId: string, origin: string, now = new Date()): Promise<InviteResult> {
  const denied = denyUnless(viewer, 'holders.invite');
  if (denied) return denied;
  if (!isUuid(holderId)) return { ok: false, code: 'not_found', error: 'We could not find that holder.' };
  const result = await db.transaction(async (tx) => {
    const [holder] = await tx.select().from(users).where(and(eq(users.id, holderId), eq(users.role, 'policyholder')));
    if (!holder) return { ok: false as const, code: 'not_found' as const, error: 'We could not find that holder.' };
    // The same one-time links as staff invites (lib/auth/password-links.ts), valid longer: holders read email less.
    const link = await issuePasswordLink(tx, holder.id, viewer.userId, now, origin, INVITE_VALID_HOURS * 3600_000);
    const first = holder.name.trim().split(/\s+/)[0] || 'there';
    const msg = await queueMessage(tx, {
      dedupeKey: `invite:${holder.id}:${now.getTime()}`,
      userId: holder.id,
      toEmail: holder.email,
      kind: 'invite',
      subject: `Pay your ${INSURER_NAME} premiums online`,
      textBody: [
        `Hello ${first},`,
        '',
        `You can now see your policies and pay premiums by M-Pesa or card online.`,
        `Set your password here (the link works once, for ${INVITE_VALID_HOURS} hours):`,
        link.url,
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
