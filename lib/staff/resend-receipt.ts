// Support (or finance) sends a holder their receipt email again, e.g. after a phone call. The
// same email as on completion, with the same stored receipt number, under a new dedupe key so the
// outbox keeps both; audited in the same transaction that queues it.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import type { Db } from '@/db/client';
import { payments } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { denyUnless, type Forbidden } from '@/lib/auth/roles';
import { appOrigin } from '@/lib/env';
import { mailerFromEnv, type Mailer } from '@/lib/notifications/mailer';
import { deliverMessage, queueMessage } from '@/lib/notifications/outbox';
import { buildPaymentNotice, paymentNoticeKey } from '@/lib/notifications/payment-notice';
import type { Viewer } from '@/lib/viewer';

export type ResendResult = { ok: true; message: string } | { ok: false; code: 'not_found' | 'invalid'; error: string } | Forbidden;

export async function resendReceipt(db: Db, viewer: Viewer, rawId: string, deps: { mailer?: Mailer | null; origin?: string } = {}): Promise<ResendResult> {
  const denied = denyUnless(viewer, 'receipts.resend');
  if (denied) return denied;
  const id = uuidField().safeParse(rawId);
  if (!id.success) return { ok: false, code: 'not_found', error: 'Unknown payment.' };
  const [p] = await db.select({ status: payments.status }).from(payments).where(eq(payments.id, id.data));
  if (!p) return { ok: false, code: 'not_found', error: 'Unknown payment.' };
  if (p.status !== 'completed') return { ok: false, code: 'invalid', error: 'Only a completed payment has a receipt to send.' };
  const notice = await buildPaymentNotice(db, id.data, 'completed', deps.origin ?? appOrigin());
  if ('skip' in notice) return { ok: false, code: 'invalid', error: 'Only a completed payment has a receipt to send.' };
  const queued = await db.transaction(async (tx) => {
    const auditId = await recordAudit(tx, { actorId: viewer.userId, action: 'receipt.resend', targetType: 'payment', targetId: id.data, detail: { toEmail: notice.message.toEmail } });
    // Keyed by the audit record: one email per resend, however often the delivery is retried.
    return queueMessage(tx, { ...notice.message, dedupeKey: `${paymentNoticeKey(id.data, 'completed')}:resend:${auditId}` });
  });
  await deliverMessage(db, deps.mailer === undefined ? mailerFromEnv() : deps.mailer, queued.id);
  return { ok: true, message: `Receipt sent again to ${notice.message.toEmail}.` };
}

