// The email a holder gets when staff decide on their refund: approved, or not approved (with
// staff's note). When the money has gone back, the refund note email (refund-note-email.ts, with
// the numbered note attached) is the one message. Queued in the same transaction as the
// move (lib/refunds/status.ts moveRefund), under a key per refund and status: exactly once.
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { payments, policies, refunds, users } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import { formatKes } from '@/lib/money';
import { INSURER_NAME } from '@/lib/receipts/constants';
import type { NewMessage } from './outbox';

export const NOTIFY_REFUND_JOB = 'notify.refund';
export const REFUND_NOTICE_STATUSES = ['approved', 'rejected'] as const;
export type RefundNoticeStatus = (typeof REFUND_NOTICE_STATUSES)[number];

export function isRefundNoticeStatus(s: string): s is RefundNoticeStatus {
  return (REFUND_NOTICE_STATUSES as readonly string[]).includes(s);
}

export function refundNoticeKey(refundId: string, status: RefundNoticeStatus) {
  return `refund:${refundId}:${status}`;
}

export async function queueRefundNotice(db: Queryable, refundId: string, status: RefundNoticeStatus) {
  await enqueueJob(db, { kind: NOTIFY_REFUND_JOB, key: `${NOTIFY_REFUND_JOB}:${refundId}:${status}`, payload: { refundId, status } });
}

export function refundEmail(a: {
  name: string;
  status: RefundNoticeStatus;
  amountMinor: number;
  method: 'mpesa' | 'card';
  paymentReference: string;
  policyNumber: string;
  note: string | null;
  refundsUrl: string;
}): { subject: string; text: string } {
  const amount = formatKes(a.amountMinor);
  const first = a.name.trim().split(/\s+/)[0];
  const body = {
    approved: [
      `Your refund of ${amount} (payment ${a.paymentReference}, policy ${a.policyNumber}) is approved.`,
      a.method === 'mpesa'
        ? 'We are sending it to your M-Pesa number; we will email you again once it is sent.'
        : 'We are sending it back to your card; we will email you again once your bank has it.',
    ],
    rejected: [
      `Your refund request of ${amount} (payment ${a.paymentReference}, policy ${a.policyNumber}) was not approved.`,
      ...(a.note ? [`Our note: ${a.note}`] : []),
      'The payment stays applied to your policy. Reply to this email if you would like to talk about it.',
    ],
  }[a.status];
  const subject = {
    approved: `Refund approved: ${amount}`,
    rejected: `Refund not approved: ${amount}`,
  }[a.status];
  return {
    subject,
    text: [first ? `Hello ${first},` : 'Hello,', '', ...body, '', 'See your refunds:', a.refundsUrl, '', `Thank you,\n${INSURER_NAME}`].join('\n'),
  };
}

export async function buildRefundNotice(
  db: Queryable,
  refundId: string,
  status: RefundNoticeStatus,
  origin: string,
): Promise<{ message: NewMessage } | { skip: string }> {
  const [row] = await db
    .select({ refund: refunds, reference: payments.reference, method: payments.method, policyNumber: policies.number, email: users.email, name: users.name })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .innerJoin(users, eq(users.id, refunds.userId))
    .where(eq(refunds.id, refundId));
  if (!row) return { skip: `refund ${refundId} not found` };
  const email = refundEmail({
    name: row.name,
    status,
    amountMinor: row.refund.amountMinor,
    method: row.method,
    paymentReference: row.reference,
    policyNumber: row.policyNumber,
    note: row.refund.decisionNote,
    refundsUrl: `${origin}/dashboard/refunds`,
  });
  return {
    message: {
      dedupeKey: refundNoticeKey(refundId, status),
      userId: row.refund.userId,
      toEmail: row.email,
      kind: `refund_${status}`,
      subject: email.subject,
      textBody: email.text,
    },
  };
}
