// What staff can do to a payment. Every change goes through the payment state machine
// (outcomes.ts → transitionPayment, under the payment's row lock) and is written to the audit log
// in the same transaction; the gateway check writes its record right after the gateway answered.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { payments, type Payment, type PaymentStatus } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { STATUS_LABELS } from '@/lib/history/labels';
import { isClosedUnpaid } from '@/lib/payments/core/status';
import { askAndApply, sweepPayment, type GatewayChecks } from '@/lib/payments/core/sweep';
import { lockPayment } from '@/lib/payments/core/transition';
import { uuidField } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { staffOnly, type Forbidden } from './access';

export type StaffActionResult =
  | { ok: true; payment: Payment; message: string }
  | { ok: false; code: 'invalid' | 'not_found' | 'conflict' | 'gateway'; error: string }
  | Forbidden;


const idSchema = uuidField('Unknown payment.');
/** "paid", "under review": the labels everyone sees, in a sentence. */
const statusWord = (s: PaymentStatus) => STATUS_LABELS[s].toLowerCase();

async function reload(db: Db, id: string) {
  const [p] = await db.select().from(payments).where(eq(payments.id, id));
  return p;
}

/**
 * "Check with the gateway now": one STK Query or Paystack verify, applied like the background
 * sweep (pending) or the re-check (closed unpaid: a late "paid" is credited).
 */
export async function checkWithGateway(db: Db, viewer: Viewer, paymentId: string, checks: GatewayChecks): Promise<StaffActionResult> {
  const denied = staffOnly(viewer, 'payments.check_gateway');
  if (denied) return denied;
  const id = idSchema.safeParse(paymentId);
  if (!id.success) return { ok: false, code: 'not_found', error: 'Unknown payment.' };
  const before = await reload(db, id.data);
  if (!before) return { ok: false, code: 'not_found', error: 'Unknown payment.' };
  const gateway = before.method === 'mpesa' ? 'M-Pesa' : 'Paystack';
  let note: string;
  let failed = false;
  try {
    if (before.status === 'pending') note = (await sweepPayment(db, checks, before.id)).note;
    else if (isClosedUnpaid(before.status) && (before.method === 'card' || before.checkoutRequestId)) {
      const { verdict, outcome } = await askAndApply(db, checks[before.method], before, new Date());
      note = verdict.kind === 'unknown' ? verdict.detail : `${outcome} by ${verdict.via}`;
    } else note = 'nothing to ask';
  } catch (err) {
    failed = true;
    note = err instanceof Error ? err.message : String(err);
  }
  const after = (await reload(db, before.id))!;
  await recordAudit(db, {
    actorId: viewer.userId,
    action: 'payment.check_gateway',
    targetType: 'payment',
    targetId: before.id,
    detail: { gateway, before: before.status, after: after.status, note },
  });
  if (failed) return { ok: false, code: 'gateway', error: `We could not reach ${gateway}: ${note}. Try again in a minute.` };
  return { ok: true, payment: after, message: explain(gateway, before, after, note) };
}

function explain(gateway: string, before: Payment, after: Payment, note: string): string {
  if (before.status !== after.status && after.status === 'completed') {
    return `${gateway} confirms it was paid after it was closed. The payment is completed and booked to the policy (flagged for review of the late success).`;
  }
  if (before.status !== 'pending') return `This payment is already ${statusWord(before.status)}; ${gateway} has nothing new (${note}).`;
  if (after.status === 'pending') return `${gateway} has no final answer yet (${note}). It stays pending; automatic checks continue.`;
  if (after.status === 'completed') {
    return `${gateway} confirms it was paid. The payment is completed and booked to the policy${after.flagged ? ` (flagged: ${after.flagReason})` : ''}.`;
  }
  if (after.status === 'review') return `${gateway} answered something we could not match; it is held for review: ${after.flagReason}`;
  return `${gateway} says it did not go through: ${after.failureReason ?? note}. Marked ${statusWord(after.status)}.`;
}

const clearSchema = z.object({ paymentId: idSchema, note: z.string().trim().min(5, 'Write a note saying what you checked (at least 5 characters).').max(1000) });

/** A flagged payment that needs no decision (e.g. completed by STK Query): staff mark it checked. */
export async function clearFlag(db: Db, viewer: Viewer, raw: z.input<typeof clearSchema>): Promise<StaffActionResult> {
  const denied = staffOnly(viewer, 'payments.clear_flag');
  if (denied) return denied;
  const parsed = clearSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'invalid', error: parsed.error.issues[0].message };
  return db.transaction(async (tx) => {
    const current = await lockPayment(tx, parsed.data.paymentId);
    if (!current) return { ok: false as const, code: 'not_found' as const, error: 'Unknown payment.' };
    if (!current.flagged) return { ok: false as const, code: 'conflict' as const, error: 'This payment is not flagged; nothing changed.' };
    if (current.status === 'review') return { ok: false as const, code: 'conflict' as const, error: 'Accept or reject this payment instead.' };
    const [payment] = await tx.update(payments).set({ flagged: false }).where(eq(payments.id, current.id)).returning();
    await recordAudit(tx, { actorId: viewer.userId, action: 'payment.clear_flag', targetType: 'payment', targetId: current.id, detail: { flagReason: current.flagReason, note: parsed.data.note } });
    return { ok: true as const, payment, message: 'Marked as checked; it has left the review queue.' };
  });
}
