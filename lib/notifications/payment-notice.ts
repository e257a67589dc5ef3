// The email a holder gets when a payment completes (with the receipt) or fails (with a retry link).
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { payments, policies, users } from '@/db/schema';
import { loadReceipt } from '@/lib/receipts/data';
import { paymentNotCompletedEmail, paymentReceivedEmail, type UnpaidOutcome } from './messages';
import type { NewMessage } from './outbox';

export type NoticeStatus = 'completed' | UnpaidOutcome;

export function paymentNoticeKey(paymentId: string, status: NoticeStatus) {
  return `payment:${paymentId}:${status}`;
}

export type PaymentNotice = { message: NewMessage } | { skip: string };

export async function buildPaymentNotice(db: Queryable, paymentId: string, status: NoticeStatus, origin: string): Promise<PaymentNotice> {
  const [row] = await db
    .select({ payment: payments, policyNumber: policies.number, product: policies.product, email: users.email, name: users.name })
    .from(payments)
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .innerJoin(users, eq(users.id, payments.userId))
    .where(eq(payments.id, paymentId));
  if (!row) return { skip: `payment ${paymentId} not found` };
  const p = row.payment;
  const base = { dedupeKey: paymentNoticeKey(p.id, status), userId: p.userId, toEmail: row.email };

  if (status === 'completed') {
    // The payer's own view of the receipt: the same data the PDF and the success page show.
    const receipt = await loadReceipt(db, { userId: p.userId, role: 'policyholder' }, p.id, origin);
    if (!receipt) return { skip: `payment ${p.id} is ${p.status}, not completed` };
    const paidBy =
      receipt.method.kind === 'mpesa'
        ? [`M-Pesa`, receipt.method.receipt && `receipt ${receipt.method.receipt}`, receipt.method.phoneMasked && `from ${receipt.method.phoneMasked}`]
            .filter(Boolean)
            .join(', ')
        : receipt.method.label;
    const email = paymentReceivedEmail({
      name: row.name,
      amountMinor: receipt.amountMinor,
      product: receipt.product,
      policyNumber: receipt.policyNumber,
      receiptNo: receipt.receiptNo,
      paidBy,
      paidAt: receipt.paidAt,
      balanceAfterMinor: receipt.balanceAfterMinor,
      verifyUrl: receipt.verifyUrl,
    });
    return {
      message: { ...base, kind: 'payment_received', subject: email.subject, textBody: email.text, attachments: [{ type: 'receipt', paymentId: p.id }] },
    };
  }

  // The holder cancelled it themselves (declined the prompt, left the checkout, or started
  // another payment instead): they know, and an email per attempt is only noise.
  if (status === 'cancelled') return { skip: `payment ${p.id} was cancelled by the holder` };
  // An expired payment may still complete later (money arrived late): then the receipt email
  // is the one that matters, and a "timed out" email would only confuse.
  if (p.status === 'completed' || p.status === 'review') return { skip: `payment ${p.id} is ${p.status} now` };
  const email = paymentNotCompletedEmail({
    name: row.name,
    outcome: status,
    method: p.method,
    amountMinor: p.amountMinor,
    product: row.product,
    policyNumber: row.policyNumber,
    reason: p.failureReason,
    retryUrl: `${origin}/pay/${p.policyId}`,
  });
  return { message: { ...base, kind: `payment_${status}`, subject: email.subject, textBody: email.text } };
}
