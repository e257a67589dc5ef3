// A policyholder asks for money back from one of their completed payments. Never more than was
// paid minus what is already refunded or on its way: checked under the payment's row lock, so
// two requests sent at once cannot both take the same shillings.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import type { Queryable } from '@/db/client';
import { payments, refunds, type Payment, type Refund } from '@/db/schema';
import { formatKes } from '@/lib/money';
import { recordAudit } from '@/lib/audit';
import { denyUnless, type Forbidden } from '@/lib/auth/roles';
import { isScoped, type Viewer } from '@/lib/viewer';
import { OPEN_OR_DONE } from './status';

export const refundRequestSchema = z.object({
  paymentId: uuidField('We could not find that payment.'),
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
  // Only the holder's own payment (the filter is in the query).
  return createRefund(db, viewer, raw, eq(payments.userId, viewer.userId));
}

/**
 * Support (or finance) raises a refund on a holder's behalf, e.g. after a phone call. The raiser is
 * recorded, so four eyes keeps them from approving it themselves; the audit log has it too.
 */
export async function raiseRefundForHolder(db: Queryable, viewer: Viewer, raw: RefundRequestInput): Promise<RefundRequestResult | Forbidden> {
  const denied = denyUnless(viewer, 'refunds.raise');
  if (denied) return denied;
  // The audit record commits with the refund it describes.
  return createRefund(db, viewer, raw, undefined, (tx, refund) =>
    recordAudit(tx, { actorId: viewer.userId, action: 'refund.raise', targetType: 'refund', targetId: refund.id, detail: { paymentId: refund.paymentId, amountMinor: refund.amountMinor, reason: refund.reason } }),
  );
}

async function createRefund(
  db: Queryable,
  viewer: Viewer,
  raw: RefundRequestInput,
  ownerFilter: SQL | undefined,
  alsoInTransaction?: (tx: Queryable, refund: Refund) => Promise<unknown>,
): Promise<RefundRequestResult> {
  const parsed = refundRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path[0] === 'reason' ? 'reason' : issue.path[0] === 'amountMinor' ? 'amount' : undefined;
    return { ok: false, code: field ? 'invalid' : 'not_found', field, error: issue.message };
  }
  const input = parsed.data;
  return db.transaction(async (tx) => {
    // Locked for the check below; a holder's request can only find their own payment.
    const [payment] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.id, input.paymentId), ownerFilter, isScoped(viewer) ? sql`false` : undefined))
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
      .values({ paymentId: payment.id, userId: payment.userId, requestedBy: viewer.userId, amountMinor: input.amountMinor, currency: payment.currency, reason: input.reason })
      .returning();
    await alsoInTransaction?.(tx, refund);
    return { ok: true as const, refund };
  });
}
