// What staff can do to a payment. Every change goes through the payment state machine
// (outcomes.ts → transitionPayment, under the payment's row lock) and is written to the audit log
// in the same transaction; the gateway check writes its record right after the gateway answered.
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { payments, type Payment, type PaymentStatus } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { STATUS_LABELS } from '@/lib/history/labels';
import { closeUnpaid, completePayment } from '@/lib/payments/core/outcomes';
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

const resolveSchema = z.object({
  paymentId: idSchema,
  decision: z.enum(['accept', 'reject']),
  note: z.string().trim().min(5, 'Write a note saying why (at least 5 characters).').max(1000, 'Keep the note under 1,000 characters.'),
  // Optional when accepting an M-Pesa payment: the receipt staff found in the M-Pesa statement.
  receipt: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{10}$/, 'An M-Pesa receipt is 10 letters and digits, e.g. UKP1ABCDEF.')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

/**
 * Staff decide a payment held for review: accept as paid (credits it, exactly once: the state
 * machine lets only one caller leave 'review') or reject (failed, nothing credited).
 */
export async function resolveReview(db: Db, viewer: Viewer, raw: z.input<typeof resolveSchema>): Promise<StaffActionResult> {
  const denied = staffOnly(viewer, 'payments.resolve_review');
  if (denied) return denied;
  const parsed = resolveSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'invalid', error: parsed.error.issues[0].message };
  const { paymentId, decision, note, receipt } = parsed.data;
  return db.transaction(async (tx) => {
    const current = await lockPayment(tx, paymentId);
    if (!current) return { ok: false as const, code: 'not_found' as const, error: 'Unknown payment.' };
    if (current.status !== 'review') {
      return { ok: false as const, code: 'conflict' as const, error: `This payment is already ${statusWord(current.status)}; nothing changed.` };
    }
    if (receipt && decision === 'accept') {
      const [other] = await tx.select({ ref: payments.reference }).from(payments).where(and(eq(payments.mpesaReceipt, receipt), ne(payments.id, paymentId)));
      if (other) return { ok: false as const, code: 'invalid' as const, error: `Receipt ${receipt} already belongs to payment ${other.ref}.` };
    }
    const result =
      decision === 'accept'
        ? await completePayment(tx, { paymentId, reason: `Accepted by staff: ${note}`, receipt: current.method === 'mpesa' ? receipt : undefined })
        : await closeUnpaid(tx, {
            paymentId,
            to: 'failed',
            code: 'staff_rejected',
            staffDecision: true,
            // The holder sees this text; the staff note stays in the audit log.
            reason: 'We could not confirm this payment. If money left your account, please contact us.',
          });
    if (!result.ok) return { ok: false as const, code: 'conflict' as const, error: 'Someone else resolved this payment first; nothing changed.' };
    // Decided: out of the review queue. The original flag reason stays for the record.
    await tx.update(payments).set({ flagged: false }).where(eq(payments.id, paymentId));
    await recordAudit(tx, {
      actorId: viewer.userId,
      action: decision === 'accept' ? 'payment.accept' : 'payment.reject',
      targetType: 'payment',
      targetId: paymentId,
      detail: { from: current.status, to: result.payment.status, note, receipt: receipt ?? null, amountMinor: current.amountMinor },
    });
    const payment = { ...result.payment, flagged: false };
    return {
      ok: true as const,
      payment,
      message: decision === 'accept' ? 'Accepted as paid. The payment is completed and booked to the policy.' : 'Rejected. The payment is failed and nothing was credited.',
    };
  });
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
