// The email a holder gets when a refund has been paid back: the refund note attached.
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { refunds, users } from '@/db/schema';
import { loadRefundNote } from '@/lib/receipts/refund-note';
import { refundNoteEmail } from './messages';
import type { NewMessage } from './outbox';

export async function buildRefundNoteMessage(db: Queryable, refundId: string, origin: string): Promise<NewMessage | null> {
  const [row] = await db.select({ userId: refunds.userId, email: users.email, name: users.name }).from(refunds).innerJoin(users, eq(users.id, refunds.userId)).where(eq(refunds.id, refundId));
  if (!row) return null;
  // Seen as the holder sees it: the holder's own refund only.
  const note = await loadRefundNote(db, { userId: row.userId, role: 'policyholder' }, refundId, origin);
  if (!note) return null;
  const email = refundNoteEmail({ name: row.name, amountMinor: note.amountMinor, policyNumber: note.policyNumber, noteNo: note.noteNo, receiptNo: note.receiptNo, returnedBy: note.returnedBy, refundedAt: note.refundedAt, verifyUrl: note.verifyUrl });
  return {
    dedupeKey: `refund:${refundId}:note`,
    userId: row.userId,
    toEmail: row.email,
    kind: 'refund_note',
    subject: email.subject,
    textBody: email.text,
    attachments: [{ type: 'refund_note', refundId }],
  };
}
