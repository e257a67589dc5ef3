// Staff decisions on refunds. Each runs in one transaction with its audit record, under the
// payment's row lock (the same lock refund requests and refund webhooks take), and moves the
// refund with a conditional UPDATE: of two staff approving at once, exactly one succeeds.
import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import type { Db, Tx } from '@/db/client';
import { refunds, type Payment, type Refund } from '@/db/schema';
import { approvalStep } from '@/lib/approvals/four-eyes';
import { mpesaCodeHeldBy } from '@/lib/approvals/mpesa-codes';
import { secondApprovalAboveMinor } from '@/lib/env';
import { formatKes } from '@/lib/money';
import { recordAudit } from '@/lib/audit';
import { lockPayment } from '@/lib/payments/core/transition';
import { staffOnly, type Forbidden } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';
import { postRefundToLedger } from './post-refund';
import { claimForSending, sendRefundToPaystack, SENDING, type RefundSender } from './paystack-send';
import { IN_FLIGHT, moveRefund, REFUND_LABELS } from './status';

export type DecisionResult = { ok: true; refund: Refund; message: string } | { ok: false; code: 'invalid' | 'not_found' | 'conflict'; error: string } | Forbidden;

const note = z.string().trim().min(3, 'Write a short note for the record (at least 3 characters).').max(1000, 'Keep the note under 1,000 characters.');
const decisionSchema = z.object({ refundId: uuidField('Unknown refund.'), note });
const payoutSchema = z.object({
  refundId: uuidField('Unknown refund.'),
  // An M-Pesa transaction code, e.g. UKP1ABCDEF.
  reference: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{8,12}$/, 'Enter the M-Pesa transaction code of the pay-out, e.g. UKP1ABCDEF.'),
  note: note.optional().or(z.literal('').transform(() => undefined)),
});

type Locked = { refund: Refund; payment: Payment };

/** Loads the refund, then locks its payment and re-reads the refund under that lock. */
async function lockRefund(tx: Tx, refundId: string): Promise<Locked | null> {
  const [first] = await tx.select({ paymentId: refunds.paymentId }).from(refunds).where(eq(refunds.id, refundId));
  if (!first) return null;
  const payment = await lockPayment(tx, first.paymentId);
  const [refund] = await tx.select().from(refunds).where(eq(refunds.id, refundId));
  return payment && refund ? { refund, payment } : null;
}

const alreadyDecided = (r: Refund) => ({ ok: false as const, code: 'conflict' as const, error: `This refund is already ${REFUND_LABELS[r.status].label.toLowerCase()}; nothing changed.` });

function invalid(error: z.ZodError) {
  return { ok: false as const, code: 'invalid' as const, error: error.issues[0].message };
}

export type ApprovalDeps = { paystack: RefundSender; /** Default: SECOND_APPROVAL_ABOVE_KES. */ secondApprovalAboveMinor?: number };

/** Who raised a refund: the staff member who raised it for the holder, else the holder. */
export const raisedBy = (r: Refund) => r.requestedBy ?? r.userId;

export async function approveRefund(db: Db, viewer: Viewer, raw: { refundId: string; note: string }, deps: ApprovalDeps): Promise<DecisionResult> {
  const threshold = deps.secondApprovalAboveMinor ?? secondApprovalAboveMinor();
  const denied = staffOnly(viewer, 'refunds.decide');
  if (denied) return denied;
  const input = decisionSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  const approved = await db.transaction(async (tx) => {
    const locked = await lockRefund(tx, input.data.refundId);
    if (!locked) return { ok: false as const, code: 'not_found' as const, error: 'Unknown refund.' };
    const { refund, payment } = locked;
    if (refund.status !== 'requested') return alreadyDecided(refund);
    // Four eyes, decided under the payment's row lock (two approvers at once are serialised here).
    const step = approvalStep({ raisedBy: raisedBy(refund), firstApprovedBy: refund.firstApprovedBy, amountMinor: refund.amountMinor }, viewer.userId, threshold);
    if (!step.ok) return { ok: false as const, code: 'conflict' as const, error: step.error };
    if (!step.final) {
      const [first] = await tx
        .update(refunds)
        .set({ firstApprovedBy: viewer.userId, firstApprovedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(refunds.id, refund.id), eq(refunds.status, 'requested'), isNull(refunds.firstApprovedBy)))
        .returning();
      if (!first) return alreadyDecided(refund);
      await recordAudit(tx, { actorId: viewer.userId, action: 'refund.approve_first', targetType: 'refund', targetId: refund.id, detail: { paymentId: payment.id, amountMinor: refund.amountMinor, note: input.data.note } });
      return { ok: true as const, refund: first, payment, pending: true as const };
    }
    if (payment.method === 'card') {
      // Paystack's refund webhooks carry no id of ours: one refund in flight per payment keeps
      // matching them by transaction and amount unambiguous.
      const [busy] = await tx
        .select({ id: refunds.id })
        .from(refunds)
        .where(and(eq(refunds.paymentId, payment.id), inArray(refunds.status, IN_FLIGHT), ne(refunds.id, refund.id)));
      if (busy) return { ok: false as const, code: 'conflict' as const, error: 'Another refund of this payment is still on its way. Approve this one when that has finished.' };
    }
    const moved = await moveRefund(tx, refund.id, 'approved', {
      decidedBy: viewer.userId,
      decisionNote: input.data.note,
      decidedAt: new Date(),
      ...(payment.method === 'card' ? { failureReason: SENDING } : {}),
    });
    if (!moved) return alreadyDecided(refund);
    await recordAudit(tx, { actorId: viewer.userId, action: 'refund.approve', targetType: 'refund', targetId: refund.id, detail: { paymentId: payment.id, amountMinor: refund.amountMinor, method: payment.method, note: input.data.note } });
    return { ok: true as const, refund: moved, payment, pending: false as const };
  });
  if (!approved.ok) return approved;
  if (approved.pending) {
    return { ok: true, refund: approved.refund, message: `First approval recorded. Refunds above ${formatKes(threshold)} need a second approval from a different finance member.` };
  }
  if (approved.payment.method === 'mpesa') {
    return { ok: true, refund: approved.refund, message: 'Approved. Send the money by M-Pesa, then record the pay-out code here.' };
  }
  const sent = await sendRefundToPaystack(db, deps.paystack, approved.refund, approved.payment);
  const [fresh] = await db.select().from(refunds).where(eq(refunds.id, approved.refund.id));
  return { ok: true, refund: fresh, message: `Approved. ${sent.message}` };
}

export async function rejectRefund(db: Db, viewer: Viewer, raw: { refundId: string; note: string }): Promise<DecisionResult> {
  const denied = staffOnly(viewer, 'refunds.decide');
  if (denied) return denied;
  const input = decisionSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  return db.transaction(async (tx) => {
    const locked = await lockRefund(tx, input.data.refundId);
    if (!locked) return { ok: false as const, code: 'not_found' as const, error: 'Unknown refund.' };
    const moved = await moveRefund(tx, locked.refund.id, 'rejected', { decidedBy: viewer.userId, decisionNote: input.data.note, decidedAt: new Date() });
    if (!moved) return alreadyDecided(locked.refund);
    await recordAudit(tx, { actorId: viewer.userId, action: 'refund.reject', targetType: 'refund', targetId: moved.id, detail: { paymentId: moved.paymentId, amountMinor: moved.amountMinor, note: input.data.note } });
    return { ok: true as const, refund: moved, message: 'Rejected. The holder sees it as not approved.' };
  });
}

/** M-Pesa refunds are paid out by hand (B2C or the till); staff record the code, and it is booked. */
export async function recordMpesaPayout(db: Db, viewer: Viewer, raw: { refundId: string; reference: string; note?: string }): Promise<DecisionResult> {
  const denied = staffOnly(viewer, 'refunds.record_payout');
  if (denied) return denied;
  const input = payoutSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  return recordPayoutOnce(db, viewer, input.data).catch((err: unknown) => {
    if ((err as { code?: string })?.code === '23505' || (err as { cause?: { code?: string } })?.cause?.code === '23505') {
      return { ok: false as const, code: 'invalid' as const, error: `${input.data.reference} was just recorded for another refund. Enter the code of this pay-out. Nothing was changed.` };
    }
    throw err;
  });
}

async function recordPayoutOnce(db: Db, viewer: Viewer, input: { data: z.output<typeof payoutSchema> }['data']): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const locked = await lockRefund(tx, input.refundId);
    if (!locked) return { ok: false as const, code: 'not_found' as const, error: 'Unknown refund.' };
    const { refund, payment } = locked;
    if (payment.method !== 'mpesa') return { ok: false as const, code: 'invalid' as const, error: 'Card refunds are completed by Paystack, not by hand.' };
    if (refund.status !== 'approved') return { ok: false as const, code: 'conflict' as const, error: `Only an approved refund can be paid out; this one is ${REFUND_LABELS[refund.status].label.toLowerCase()}.` };
    // A pay-out code is the receipt of money we sent: it cannot be a receipt for money we received,
    // nor one already recorded for another refund (the unique index refunds_gateway_reference_once
    // is the last word under concurrency).
    const code = input.reference;
    const held = await mpesaCodeHeldBy(tx, code, { refundId: refund.id });
    if (held) {
      return { ok: false as const, code: 'invalid' as const, error: `${code} is already recorded as ${held}. Enter the code of this pay-out. Nothing was changed.` };
    }
    const moved = await moveRefund(tx, refund.id, 'processed', { gatewayReference: input.reference });
    if (!moved) return alreadyDecided(refund);
    await postRefundToLedger(tx, moved, payment);
    await recordAudit(tx, { actorId: viewer.userId, action: 'refund.mpesa_payout', targetType: 'refund', targetId: refund.id, detail: { paymentId: payment.id, amountMinor: refund.amountMinor, reference: input.reference, note: input.note ?? null } });
    return { ok: true as const, refund: moved, message: `Recorded pay-out ${input.reference}. The refund is booked and the holder sees it as refunded.` };
  });
}

/** For an approved card refund Paystack never acknowledged (no answer, or the server stopped). */
export async function resendRefundToPaystack(db: Db, viewer: Viewer, raw: { refundId: string }, deps: { paystack: RefundSender }): Promise<DecisionResult> {
  const denied = staffOnly(viewer, 'refunds.resend');
  if (denied) return denied;
  const id = uuidField().safeParse(raw.refundId);
  if (!id.success) return { ok: false, code: 'not_found', error: 'Unknown refund.' };
  const ready = await db.transaction(async (tx) => {
    const locked = await lockRefund(tx, id.data);
    if (!locked) return { ok: false as const, code: 'not_found' as const, error: 'Unknown refund.' };
    const { refund, payment } = locked;
    if (payment.method !== 'card' || refund.status !== 'approved' || refund.gatewayReference) {
      return { ok: false as const, code: 'conflict' as const, error: 'Only an approved card refund that Paystack has not acknowledged can be sent again.' };
    }
    if (!(await claimForSending(tx, refund))) {
      return { ok: false as const, code: 'conflict' as const, error: 'This refund is being sent to Paystack right now. Wait a minute and reload.' };
    }
    await recordAudit(tx, { actorId: viewer.userId, action: 'refund.resend', targetType: 'refund', targetId: refund.id, detail: { paymentId: payment.id } });
    return { ok: true as const, refund, payment };
  });
  if (!ready.ok) return ready;
  const sent = await sendRefundToPaystack(db, deps.paystack, ready.refund, ready.payment);
  const [fresh] = await db.select().from(refunds).where(eq(refunds.id, ready.refund.id));
  return { ok: true, refund: fresh, message: sent.message };
}
