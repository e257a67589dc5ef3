// A policyholder asks for money back from one of their completed payments. Never more than was
// paid minus what is already refunded or on its way: checked under the payment's row lock, so
// two requests sent at once cannot both take the same shillings.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { payments, refunds, type Payment, type Refund } from '@/db/schema';
import { formatKes } from '@/lib/money';
import { isScoped, type Viewer } from '@/lib/viewer';
import { OPEN_OR_DONE } from './status';

export const refundRequestSchema = z.object({
  paymentId: z.uuid({ message: 'We could not find that payment.' }),
  amountMinor: z.number().int().positive('Enter an amount of at least KES 1.').max(Number.MAX_SAFE_INTEGER),
  reason: z
    .string()
    .trim()
    .min(5, 'Tell us briefly why you want this refund (at least 5 characters).')
    .max(500, 'Keep the reason under 500 characters.'),
});
export type RefundRequestInput = z.input<typeof refundRequestSchema>;

export type RefundRequestResult =
  | { ok: true; refund: Refund }
  | { ok: false; code: 'invalid' | 'not_found'; field?: 'amount' | 'reason'; error: string };

/** What can still be asked for on this payment. */
export async function refundableMinor(db: Queryable, payment: Pick<Payment, 'id' | 'amountMinor'>): Promise<number> {
  const [row] = await db
    .select({ taken: sql<string>`coalesce(sum(${refunds.amountMinor}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.paymentId, payment.id), inArray(refunds.status, OPEN_OR_DONE)));
  return Math.max(0, payment.amountMinor - Number(row.taken));
}

export async function requestRefund(db: Queryable, viewer: Viewer, raw: RefundRequestInput): Promise<RefundRequestResult> {
  const parsed = refundRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path[0] === 'reason' ? 'reason' : issue.path[0] === 'amountMinor' ? 'amount' : undefined;
    return { ok: false, code: field ? 'invalid' : 'not_found', field, error: issue.message };
  }
  const input = parsed.data;
  return db.transaction(async (tx) => {
    // Only the holder's own payment (the filter is in the query), locked for the check below.
    const [payment] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.id, input.paymentId), eq(payments.userId, viewer.userId), isScoped(viewer) ? sql`false` : undefined))
      .for('update');
    if (!payment) return { ok: false as const, code: 'not_found' as const, error: 'We could not find that payment.' };
    if (payment.status !== 'completed') {
      return { ok: false as const, code: 'invalid' as const, error: 'Only a completed payment can be refunded.' };
    }
    const left = await refundableMinor(tx, payment);
    if (left <= 0) {
      return { ok: false as const, code: 'invalid' as const, field: 'amount' as const, error: 'This payment has already been refunded in full, or refunds for all of it are under way.' };
    }
    if (input.amountMinor > left) {
      return { ok: false as const, code: 'invalid' as const, field: 'amount' as const, error: `You can ask for at most ${formatKes(left)} on this payment.` };
    }
    if (payment.method === 'mpesa' && input.amountMinor % 100 !== 0) {
      return { ok: false as const, code: 'invalid' as const, field: 'amount' as const, error: 'M-Pesa refunds are paid in whole shillings: leave out the cents.' };
    }
    const [refund] = await tx
      .insert(refunds)
      .values({ paymentId: payment.id, userId: payment.userId, amountMinor: input.amountMinor, currency: payment.currency, reason: input.reason })
      .returning();
    return { ok: true as const, refund };
  });
}
