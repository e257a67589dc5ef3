// Enforces the state machine. The payment row is locked for the length of the caller's
// transaction, so concurrent callbacks, queries and staff actions take turns and only one of
// them can move a payment out of a given state.
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { paymentStatusChanges, payments, type Payment, type PaymentStatus } from '@/db/schema';
import { canTransition } from './status';

export type PaymentPatch = Partial<
  Pick<
    Payment,
    | 'failureCode'
    | 'failureReason'
    | 'flagged'
    | 'flagReason'
    | 'mpesaReceipt'
    | 'checkoutRequestId'
    | 'merchantRequestId'
    | 'cardBrand'
    | 'cardLast4'
  >
>;

export type TransitionResult =
  | { ok: true; payment: Payment; from: PaymentStatus }
  | { ok: false; reason: 'not_found' | 'illegal'; current?: Payment };

// Rows this transaction already holds the lock on: a caller that locked the payment to inspect
// it and then transitions it does not pay a second round trip (the callback hot path).
const lockedIn = new WeakMap<Tx, Map<string, Payment>>();

export async function lockPayment(tx: Tx, paymentId: string): Promise<Payment | undefined> {
  const held = lockedIn.get(tx)?.get(paymentId);
  if (held) return held;
  const [row] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
  if (row) remember(tx, row);
  return row;
}

function remember(tx: Tx, row: Payment) {
  let rows = lockedIn.get(tx);
  if (!rows) lockedIn.set(tx, (rows = new Map()));
  rows.set(row.id, row);
}

export async function transitionPayment(
  tx: Tx,
  args: { paymentId: string; to: PaymentStatus; reason: string; patch?: PaymentPatch },
): Promise<TransitionResult> {
  const current = await lockPayment(tx, args.paymentId);
  if (!current) return { ok: false, reason: 'not_found' };
  if (!canTransition(current.status, args.to)) return { ok: false, reason: 'illegal', current };
  const now = new Date();
  // The update and its history line go out together (one round trip): the row is already locked.
  const [[payment]] = await Promise.all([
    tx
      .update(payments)
      .set({
        ...args.patch,
        status: args.to,
        updatedAt: now,
        ...(args.to === 'completed' ? { completedAt: now } : {}),
      })
      .where(eq(payments.id, args.paymentId))
      .returning(),
    // Its trigger NOTIFYs the payment's watchers (delivered at commit).
    tx.insert(paymentStatusChanges).values({
      paymentId: args.paymentId,
      fromStatus: current.status,
      toStatus: args.to,
      reason: args.reason,
    }),
  ]);
  remember(tx, payment);
  return { ok: true, payment, from: current.status };
}
