// Paybill money that could not be matched, allocated by hand: support or finance raise it to a
// policy, and a finance member who did not raise it approves (two above SECOND_APPROVAL_ABOVE_KES),
// the same four-eyes rule as every movement of money (lib/approvals/four-eyes.ts) and the same
// "an M-Pesa code is used once" check (lib/approvals/mpesa-codes.ts). Approval credits it as a
// normal payment (creditToPolicy), so the holder gets the receipt number and email. Every step is
// audited in its own transaction, under the row's lock.
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { paybillReceipts, type PaybillReceipt, type PaybillStatus } from '@/db/paybill-schema';
import { payments, policies } from '@/db/schema';
import { approvalStep } from '@/lib/approvals/four-eyes';
import { mpesaCodeHeldBy } from '@/lib/approvals/mpesa-codes';
import { recordAudit } from '@/lib/audit';
import { denyUnless, type Forbidden, type StaffAction } from '@/lib/auth/roles';
import { secondApprovalAboveMinor } from '@/lib/env';
import { formatKes } from '@/lib/money';
import { uuidField } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { attachReceiptToStk, creditToPolicy } from './ingest';

export type PaybillActionResult = { ok: true; receipt: PaybillReceipt; message: string } | { ok: false; code: 'invalid' | 'not_found' | 'conflict'; error: string } | Forbidden;

const note = z.string().trim().min(3, 'Write a short note for the record (at least 3 characters).').max(1000, 'Keep the note under 1000 characters.');
const raiseSchema = z.object({ receiptId: uuidField('Unknown payment.'), policyId: uuidField('Choose a policy.'), note });
const decideSchema = z.object({ receiptId: uuidField('Unknown payment.'), note });

const invalid = (e: z.ZodError) => ({ ok: false as const, code: 'invalid' as const, error: e.issues[0].message });
const notFound = { ok: false as const, code: 'not_found' as const, error: 'Unknown payment.' };
const conflict = (error: string) => ({ ok: false as const, code: 'conflict' as const, error });

async function lockReceipt(tx: Tx, receiptId: string) {
  const [row] = await tx.select().from(paybillReceipts).where(eq(paybillReceipts.id, receiptId)).for('update');
  return row;
}

const statusWords = (status: PaybillStatus) => status.replace(/_/g, ' ');
const alreadyDone = (status: PaybillStatus) => `This payment is already ${statusWords(status)}; nothing changed.`;
const notAwaitingApproval = (status: PaybillStatus) => `This payment is ${statusWords(status)}, not waiting for approval; nothing changed.`;

/**
 * The frame every staff action on a Paybill item shares: the role, the input, the row under its
 * lock in one transaction, and the states the action applies to. `act` does the rest.
 */
async function onReceipt<S extends z.ZodType<{ receiptId: string }>>(
  db: Db,
  viewer: Viewer,
  action: StaffAction,
  schema: S,
  raw: unknown,
  states: { allowed: readonly PaybillStatus[]; otherwise: (status: PaybillStatus) => string },
  act: (tx: Tx, row: PaybillReceipt, input: z.output<S>) => Promise<PaybillActionResult>,
): Promise<PaybillActionResult> {
  const denied = denyUnless(viewer, action);
  if (denied) return denied;
  const input = schema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  return db.transaction(async (tx) => {
    const row = await lockReceipt(tx, input.data.receiptId);
    if (!row) return notFound;
    if (!states.allowed.includes(row.status)) return conflict(states.otherwise(row.status));
    return act(tx, row, input.data);
  });
}

const WAITING = { allowed: ['unallocated', 'review'], otherwise: alreadyDone } as const;
const AWAITING_APPROVAL = { allowed: ['allocation_requested'], otherwise: notAwaitingApproval } as const;

export async function raisePaybillAllocation(db: Db, viewer: Viewer, raw: z.input<typeof raiseSchema>): Promise<PaybillActionResult> {
  return onReceipt(db, viewer, 'paybill.allocate', raiseSchema, raw, WAITING, async (tx, row, input) => {
    const [policy] = await tx.select({ id: policies.id, number: policies.number }).from(policies).where(eq(policies.id, input.policyId));
    if (!policy) return { ok: false as const, code: 'invalid' as const, error: 'Choose a policy.' };
    const held = await mpesaCodeHeldBy(tx, row.transId);
    if (held) return conflict(`${row.transId} is already recorded as ${held}. Nothing was changed.`);
    const [updated] = await tx
      .update(paybillReceipts)
      .set({ status: 'allocation_requested', allocationPolicyId: policy.id, allocationNote: input.note, raisedBy: viewer.userId, raisedAt: new Date(), firstApprovedBy: null, firstApprovedAt: null, updatedAt: new Date() })
      .where(eq(paybillReceipts.id, row.id))
      .returning();
    await recordAudit(tx, { actorId: viewer.userId, action: 'paybill.raise_allocation', targetType: 'paybill', targetId: row.id, detail: { transId: row.transId, amountMinor: row.amountMinor, policyId: policy.id, policyNumber: policy.number, note: input.note } });
    return { ok: true as const, receipt: updated, message: `Allocation of ${formatKes(row.amountMinor)} to ${policy.number} raised. A finance member other than you approves it.` };
  });
}

export async function approvePaybillAllocation(db: Db, viewer: Viewer, raw: z.input<typeof decideSchema>, deps: { secondApprovalAboveMinor?: number } = {}): Promise<PaybillActionResult> {
  const threshold = deps.secondApprovalAboveMinor ?? secondApprovalAboveMinor();
  return onReceipt(db, viewer, 'paybill.decide', decideSchema, raw, AWAITING_APPROVAL, async (tx, row, input) => {
    const { raisedBy, allocationPolicyId } = row;
    if (!raisedBy || !allocationPolicyId) return conflict(notAwaitingApproval(row.status));
    const step = approvalStep({ raisedBy, firstApprovedBy: row.firstApprovedBy, amountMinor: row.amountMinor }, viewer.userId, threshold);
    if (!step.ok) return conflict(step.error);
    const now = new Date();
    if (!step.final) {
      const [first] = await tx.update(paybillReceipts).set({ firstApprovedBy: viewer.userId, firstApprovedAt: now, updatedAt: now }).where(eq(paybillReceipts.id, row.id)).returning();
      await recordAudit(tx, { actorId: viewer.userId, action: 'paybill.approve_first', targetType: 'paybill', targetId: row.id, detail: { transId: row.transId, amountMinor: row.amountMinor, note: input.note } });
      return { ok: true as const, receipt: first, message: `First approval recorded. Above ${formatKes(threshold)} a second, different finance member must approve too.` };
    }
    const held = await mpesaCodeHeldBy(tx, row.transId);
    if (held) return conflict(`${row.transId} is already recorded as ${held}. Reject this allocation. Nothing was changed.`);
    const paymentId = await creditToPolicy(tx, row, allocationPolicyId, { via: 'staff', startedAs: `Paybill payment ${row.transId} (account "${row.billRef}") allocated by staff` });
    const [done] = await tx
      .update(paybillReceipts)
      .set({ status: 'allocated', paymentId, matchedBy: 'staff', decidedBy: viewer.userId, decidedAt: now, decisionNote: input.note, updatedAt: now })
      .where(eq(paybillReceipts.id, row.id))
      .returning();
    await recordAudit(tx, { actorId: viewer.userId, action: 'paybill.approve_allocation', targetType: 'paybill', targetId: row.id, detail: { transId: row.transId, amountMinor: row.amountMinor, policyId: row.allocationPolicyId, paymentId, note: input.note } });
    return { ok: true as const, receipt: done, message: `Approved and credited: ${formatKes(row.amountMinor)}. The holder gets the receipt.` };
  });
}

export async function rejectPaybillAllocation(db: Db, viewer: Viewer, raw: z.input<typeof decideSchema>): Promise<PaybillActionResult> {
  return onReceipt(db, viewer, 'paybill.decide', decideSchema, raw, AWAITING_APPROVAL, async (tx, row, input) => {
    // Back to the queue, with the turned-down proposal in the audit log.
    const [back] = await tx
      .update(paybillReceipts)
      .set({ status: 'unallocated', allocationPolicyId: null, allocationNote: null, raisedBy: null, raisedAt: null, firstApprovedBy: null, firstApprovedAt: null, decisionNote: input.note, updatedAt: new Date() })
      .where(eq(paybillReceipts.id, row.id))
      .returning();
    await recordAudit(tx, { actorId: viewer.userId, action: 'paybill.reject_allocation', targetType: 'paybill', targetId: row.id, detail: { transId: row.transId, amountMinor: row.amountMinor, policyId: row.allocationPolicyId, raisedBy: row.raisedBy, note: input.note } });
    return { ok: true as const, receipt: back, message: 'Rejected. The payment is back in the unallocated queue.' };
  });
}

/** Money that belongs to no policy: marked to be sent back to the payer (outside the app, by M-Pesa). */
export async function markPaybillForRefund(db: Db, viewer: Viewer, raw: z.input<typeof decideSchema>): Promise<PaybillActionResult> {
  return onReceipt(db, viewer, 'paybill.mark_refund', decideSchema, raw, WAITING, async (tx, row, input) => {
    const now = new Date();
    const [marked] = await tx
      .update(paybillReceipts)
      .set({ status: 'refund_marked', decidedBy: viewer.userId, decidedAt: now, decisionNote: input.note, updatedAt: now })
      .where(eq(paybillReceipts.id, row.id))
      .returning();
    await recordAudit(tx, { actorId: viewer.userId, action: 'paybill.mark_refund', targetType: 'paybill', targetId: row.id, detail: { transId: row.transId, amountMinor: row.amountMinor, note: input.note } });
    return { ok: true as const, receipt: marked, message: `Marked for refund: send ${formatKes(row.amountMinor)} back to the payer of ${row.transId} by M-Pesa.` };
  });
}

const attachSchema = z.object({
  receiptId: uuidField('Unknown payment.'),
  paymentReference: z.string().trim().toUpperCase().min(3, 'Enter the reference of the STK payment (e.g. MLP-7K3Q9XWD).').max(40),
  note,
});

/**
 * The Paybill confirmation is the receipt of an STK payment confirmed by query (when more than one
 * could be, ingest leaves the choice to staff): it gets the receipt and nothing is credited again.
 * Finance only, audited; the payment must be a completed M-Pesa prompt of the same amount without
 * a receipt, so no money can be booked or lost twice this way.
 */
export async function attachPaybillToStk(db: Db, viewer: Viewer, raw: z.input<typeof attachSchema>): Promise<PaybillActionResult> {
  return onReceipt(db, viewer, 'paybill.decide', attachSchema, raw, WAITING, async (tx, row, input) => {
    const [stk] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.reference, input.paymentReference), eq(payments.method, 'mpesa'), eq(payments.channel, 'app'), eq(payments.status, 'completed'), isNull(payments.mpesaReceipt)))
      .for('update');
    if (!stk) return conflict('No completed M-Pesa prompt without a receipt has that reference. Nothing was changed.');
    if (stk.amountMinor !== row.amountMinor) return conflict(`That payment was ${formatKes(stk.amountMinor)}, not ${formatKes(row.amountMinor)}. Nothing was changed.`);
    const held = await mpesaCodeHeldBy(tx, row.transId);
    if (held) return conflict(`${row.transId} is already recorded as ${held}. Nothing was changed.`);
    await attachReceiptToStk(tx, row.transId, stk);
    const now = new Date();
    const [done] = await tx
      .update(paybillReceipts)
      .set({ status: 'attached_to_stk', paymentId: stk.id, matchedBy: 'staff', decidedBy: viewer.userId, decidedAt: now, decisionNote: input.note, updatedAt: now })
      .where(eq(paybillReceipts.id, row.id))
      .returning();
    await recordAudit(tx, { actorId: viewer.userId, action: 'paybill.attach_to_stk', targetType: 'paybill', targetId: row.id, detail: { transId: row.transId, paymentId: stk.id, reference: stk.reference, note: input.note } });
    return { ok: true as const, receipt: done, message: `${row.transId} is now the receipt of ${stk.reference}; nothing was credited again.` };
  });
}
