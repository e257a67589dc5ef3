// Money moved by staff by hand, each under four eyes (lib/approvals/four-eyes.ts):
//  - allocation: money that reached the paybill outside the app (e.g. a wrong account number) is
//    booked to a policy, oldest installment first, when a finance member other than the raiser
//    approves it (two above SECOND_APPROVAL_ABOVE_KES);
//  - credit_payout: a holder's credit on a policy is paid back by M-Pesa: approved the same way,
//    then booked when finance records the pay-out code.
// Every step runs in one transaction with its audit record, under the policy's row lock (the same
// lock payment bookings take), so balances, credit and codes are checked against settled numbers.
import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import type { Db, Queryable, Tx } from '@/db/client';
import { installments, ledgerEntries, moneyMovements, policies, users, type MoneyMovement } from '@/db/schema';
import { approvalStep } from '@/lib/approvals/four-eyes';
import { mpesaCodeHeldBy } from '@/lib/approvals/mpesa-codes';
import { recordAudit } from '@/lib/audit';
import { assertCan, denyUnless, type Forbidden } from '@/lib/auth/roles';
import { secondApprovalAboveMinor } from '@/lib/env';
import { formatKes } from '@/lib/money';
import { allocatePayment, installmentStatusFor } from '@/lib/payments/core/allocate';
import { installmentsWithPaid, policyBalance } from '@/lib/payments/core/ledger';
import type { Viewer } from '@/lib/viewer';

export type MovementKind = MoneyMovement['kind'];
export type MovementResult = { ok: true; movement: MoneyMovement; message: string } | { ok: false; code: 'invalid' | 'not_found' | 'conflict'; error: string } | Forbidden;

const mpesaCode = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{8,12}$/, 'Enter the M-Pesa transaction code, e.g. UKP1ABCDEF.');
const reason = z.string().trim().min(5, 'Say briefly why (at least 5 characters).').max(500, 'Keep the reason under 500 characters.');
const amount = z.number().int().positive('Enter an amount of at least KES 1.').max(Number.MAX_SAFE_INTEGER);

const raiseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('allocation'), policyId: uuidField('Unknown policy.'), amountMinor: amount, reason, mpesaCode }),
  z.object({ kind: z.literal('credit_payout'), policyId: uuidField('Unknown policy.'), amountMinor: amount.refine((v) => v % 100 === 0, 'M-Pesa pays whole shillings: leave out the cents.'), reason }),
]);
export type RaiseMovementInput = z.input<typeof raiseSchema>;

const decisionSchema = z.object({ movementId: uuidField('Unknown movement.'), note: z.string().trim().min(3, 'Write a short note for the record (at least 3 characters).').max(1000) });
const payoutSchema = z.object({ movementId: uuidField('Unknown movement.'), mpesaCode });

const invalid = (e: z.ZodError) => ({ ok: false as const, code: 'invalid' as const, error: e.issues[0].message });
const WORDS: Record<MovementKind, string> = { allocation: 'allocation', credit_payout: 'credit pay-out' };

async function lockPolicy(tx: Tx, policyId: string) {
  const [policy] = await tx.select().from(policies).where(eq(policies.id, policyId)).for('update');
  return policy;
}

/** Credit a holder could still be paid on this policy: credit on the ledger minus pay-outs under way. */
async function creditAvailable(tx: Queryable, policyId: string, exceptMovement?: string): Promise<number> {
  const credit = Math.max(0, -(await policyBalance(tx, policyId)));
  const [open] = await tx
    .select({ total: sql<string>`coalesce(sum(${moneyMovements.amountMinor}), 0)` })
    .from(moneyMovements)
    .where(
      and(
        eq(moneyMovements.policyId, policyId),
        eq(moneyMovements.kind, 'credit_payout'),
        inArray(moneyMovements.status, ['requested', 'approved']),
        exceptMovement ? ne(moneyMovements.id, exceptMovement) : undefined,
      ),
    );
  return Math.max(0, credit - Number(open.total));
}

export async function raiseMovement(db: Db, viewer: Viewer, raw: RaiseMovementInput): Promise<MovementResult> {
  const denied = denyUnless(viewer, 'movements.raise');
  if (denied) return denied;
  const parsed = raiseSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const input = parsed.data;
  return db.transaction(async (tx) => {
    const policy = await lockPolicy(tx, input.policyId);
    if (!policy) return { ok: false as const, code: 'not_found' as const, error: 'Unknown policy.' };
    if (input.kind === 'allocation') {
      const held = await mpesaCodeHeldBy(tx, input.mpesaCode);
      if (held) return { ok: false as const, code: 'invalid' as const, error: `${input.mpesaCode} is already recorded as ${held}. Nothing was changed.` };
    } else {
      const left = await creditAvailable(tx, policy.id);
      if (input.amountMinor > left) return { ok: false as const, code: 'invalid' as const, error: left > 0 ? `This policy has at most ${formatKes(left)} of credit to pay out.` : 'This policy has no credit to pay out.' };
    }
    const [movement] = await tx
      .insert(moneyMovements)
      .values({ kind: input.kind, policyId: policy.id, amountMinor: input.amountMinor, reason: input.reason, mpesaCode: input.kind === 'allocation' ? input.mpesaCode : null, raisedBy: viewer.userId })
      .returning();
    await recordAudit(tx, { actorId: viewer.userId, action: `movement.raise_${input.kind}`, targetType: 'movement', targetId: movement.id, detail: { policyId: policy.id, amountMinor: input.amountMinor, mpesaCode: movement.mpesaCode, reason: input.reason } });
    return { ok: true as const, movement, message: `${WORDS[input.kind][0].toUpperCase()}${WORDS[input.kind].slice(1)} of ${formatKes(input.amountMinor)} raised. A finance member other than you approves it.` };
  });
}

async function lockMovement(tx: Tx, movementId: string) {
  const [first] = await tx.select({ policyId: moneyMovements.policyId }).from(moneyMovements).where(eq(moneyMovements.id, movementId));
  if (!first) return null;
  // Policy first, then the movement: the order every booking on the policy takes.
  const policy = await lockPolicy(tx, first.policyId);
  const [movement] = await tx.select().from(moneyMovements).where(eq(moneyMovements.id, movementId)).for('update');
  return policy && movement ? { policy, movement } : null;
}

/** Books an approved allocation: payment_received lines over the open installments, the rest as credit. */
async function bookAllocation(tx: Tx, m: MoneyMovement, holderId: string) {
  const schedule = await installmentsWithPaid(tx, m.policyId);
  const { allocations, unallocatedMinor } = allocatePayment(m.amountMinor, schedule);
  const memo = `Allocated by hand: M-Pesa ${m.mpesaCode}`;
  const base = { policyId: m.policyId, userId: holderId, movementId: m.id, kind: 'payment_received' as const, currency: m.currency };
  const lines: (typeof ledgerEntries.$inferInsert)[] = allocations.map((a) => ({ ...base, installmentId: a.installmentId, amountMinor: -a.amountMinor, memo }));
  if (unallocatedMinor > 0) lines.push({ ...base, installmentId: null, amountMinor: -unallocatedMinor, memo: `${memo} (credit)` });
  await tx.insert(ledgerEntries).values(lines);
  for (const a of allocations) {
    const inst = schedule.find((s) => s.id === a.installmentId)!;
    await tx.update(installments).set({ status: installmentStatusFor(inst.amountMinor, inst.paidMinor + a.amountMinor) }).where(eq(installments.id, a.installmentId));
  }
}

export async function approveMovement(db: Db, viewer: Viewer, raw: { movementId: string; note: string }, deps: { secondApprovalAboveMinor?: number } = {}): Promise<MovementResult> {
  const denied = denyUnless(viewer, 'movements.decide');
  if (denied) return denied;
  const input = decisionSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  const threshold = deps.secondApprovalAboveMinor ?? secondApprovalAboveMinor();
  return db.transaction(async (tx) => {
    const locked = await lockMovement(tx, input.data.movementId);
    if (!locked) return { ok: false as const, code: 'not_found' as const, error: 'Unknown movement.' };
    const { movement: m, policy } = locked;
    if (m.status !== 'requested') return { ok: false as const, code: 'conflict' as const, error: `This ${WORDS[m.kind]} is already ${m.status}; nothing changed.` };
    const step = approvalStep({ raisedBy: m.raisedBy, firstApprovedBy: m.firstApprovedBy, amountMinor: m.amountMinor }, viewer.userId, threshold);
    if (!step.ok) return { ok: false as const, code: 'conflict' as const, error: step.error };
    const now = new Date();
    if (!step.final) {
      const [first] = await tx
        .update(moneyMovements)
        .set({ firstApprovedBy: viewer.userId, firstApprovedAt: now })
        .where(and(eq(moneyMovements.id, m.id), eq(moneyMovements.status, 'requested'), isNull(moneyMovements.firstApprovedBy)))
        .returning();
      await recordAudit(tx, { actorId: viewer.userId, action: 'movement.approve_first', targetType: 'movement', targetId: m.id, detail: { kind: m.kind, amountMinor: m.amountMinor, note: input.data.note } });
      return { ok: true as const, movement: first, message: `First approval recorded. Above ${formatKes(threshold)} a second, different finance member must approve too.` };
    }
    if (m.kind === 'credit_payout' && m.amountMinor > (await creditAvailable(tx, m.policyId, m.id))) {
      return { ok: false as const, code: 'conflict' as const, error: 'The policy no longer has this much credit; reject this pay-out. Nothing was changed.' };
    }
    const [approved] = await tx
      .update(moneyMovements)
      .set({ status: 'approved', decidedBy: viewer.userId, decidedAt: now, decisionNote: input.data.note, ...(m.kind === 'allocation' ? { completedAt: now } : {}) })
      .where(and(eq(moneyMovements.id, m.id), eq(moneyMovements.status, 'requested')))
      .returning();
    if (m.kind === 'allocation') await bookAllocation(tx, approved, policy.holderId);
    await recordAudit(tx, { actorId: viewer.userId, action: 'movement.approve', targetType: 'movement', targetId: m.id, detail: { kind: m.kind, amountMinor: m.amountMinor, note: input.data.note } });
    return {
      ok: true as const,
      movement: approved,
      message: m.kind === 'allocation' ? `Approved and booked: ${formatKes(m.amountMinor)} credited to the policy.` : 'Approved. Send the money by M-Pesa, then record the pay-out code.',
    };
  });
}

export async function rejectMovement(db: Db, viewer: Viewer, raw: { movementId: string; note: string }): Promise<MovementResult> {
  const denied = denyUnless(viewer, 'movements.decide');
  if (denied) return denied;
  const input = decisionSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  return db.transaction(async (tx) => {
    const locked = await lockMovement(tx, input.data.movementId);
    if (!locked) return { ok: false as const, code: 'not_found' as const, error: 'Unknown movement.' };
    const m = locked.movement;
    // Approved pay-outs may still be stopped before the money goes; booked ones cannot.
    const stoppable = m.status === 'requested' || (m.status === 'approved' && m.kind === 'credit_payout');
    if (!stoppable) return { ok: false as const, code: 'conflict' as const, error: `This ${WORDS[m.kind]} is already ${m.status}; nothing changed.` };
    const [rejected] = await tx
      .update(moneyMovements)
      .set({ status: 'rejected', decidedBy: viewer.userId, decidedAt: new Date(), decisionNote: input.data.note })
      .where(eq(moneyMovements.id, m.id))
      .returning();
    await recordAudit(tx, { actorId: viewer.userId, action: 'movement.reject', targetType: 'movement', targetId: m.id, detail: { kind: m.kind, amountMinor: m.amountMinor, note: input.data.note } });
    return { ok: true as const, movement: rejected, message: 'Rejected. Nothing was booked.' };
  });
}

/** After an approved credit pay-out was sent by M-Pesa: records its code (used once) and books it. */
export async function recordCreditPayout(db: Db, viewer: Viewer, raw: { movementId: string; mpesaCode: string }): Promise<MovementResult> {
  const denied = denyUnless(viewer, 'movements.record_payout');
  if (denied) return denied;
  const input = payoutSchema.safeParse(raw);
  if (!input.success) return invalid(input.error);
  const code = input.data.mpesaCode;
  try {
    return await db.transaction(async (tx) => {
      const locked = await lockMovement(tx, input.data.movementId);
      if (!locked) return { ok: false as const, code: 'not_found' as const, error: 'Unknown movement.' };
      const { movement: m, policy } = locked;
      if (m.kind !== 'credit_payout' || m.status !== 'approved') return { ok: false as const, code: 'conflict' as const, error: 'Only an approved credit pay-out can be recorded as paid.' };
      const held = await mpesaCodeHeldBy(tx, code, { movementId: m.id });
      if (held) return { ok: false as const, code: 'invalid' as const, error: `${code} is already recorded as ${held}. Enter the code of this pay-out. Nothing was changed.` };
      if (m.amountMinor > Math.max(0, -(await policyBalance(tx, m.policyId)))) {
        return { ok: false as const, code: 'conflict' as const, error: 'The policy no longer has this much credit. Nothing was booked.' };
      }
      const now = new Date();
      const [paid] = await tx.update(moneyMovements).set({ status: 'paid', mpesaCode: code, completedAt: now }).where(eq(moneyMovements.id, m.id)).returning();
      // Money back to the holder: the credit shrinks (positive = the holder owes more).
      await tx.insert(ledgerEntries).values({ policyId: m.policyId, userId: policy.holderId, movementId: m.id, kind: 'refund', installmentId: null, amountMinor: m.amountMinor, currency: m.currency, memo: `Credit paid out by M-Pesa ${code}` });
      await recordAudit(tx, { actorId: viewer.userId, action: 'movement.credit_payout', targetType: 'movement', targetId: m.id, detail: { amountMinor: m.amountMinor, mpesaCode: code } });
      return { ok: true as const, movement: paid, message: `Recorded pay-out ${code}; the holder's credit is reduced by ${formatKes(m.amountMinor)}.` };
    });
  } catch (err) {
    if ((err as { code?: string })?.code === '23505' || (err as { cause?: { code?: string } })?.cause?.code === '23505') {
      return { ok: false, code: 'invalid', error: `${code} was just recorded for another pay-out. Nothing was changed.` };
    }
    throw err;
  }
}

const raiser = alias(users, 'raiser');
const firstApprover = alias(users, 'first_approver');
const decider = alias(users, 'decider');

export async function listMovements(db: Queryable, viewer: Viewer, opts: { status?: MoneyMovement['status'][] } = {}) {
  assertCan(viewer, 'payments.view');
  return db
    .select({
      movement: moneyMovements,
      policyNumber: policies.number,
      holderName: users.name,
      raisedByName: raiser.name,
      firstApproverName: firstApprover.name,
      deciderName: decider.name,
    })
    .from(moneyMovements)
    .innerJoin(policies, eq(policies.id, moneyMovements.policyId))
    .innerJoin(users, eq(users.id, policies.holderId))
    .innerJoin(raiser, eq(raiser.id, moneyMovements.raisedBy))
    .leftJoin(firstApprover, eq(firstApprover.id, moneyMovements.firstApprovedBy))
    .leftJoin(decider, eq(decider.id, moneyMovements.decidedBy))
    .where(opts.status?.length ? inArray(moneyMovements.status, opts.status) : undefined)
    .orderBy(desc(moneyMovements.createdAt))
    .limit(200);
}

/** A policy by its printed number (staff type it into the raise form). */
export async function findPolicyByNumber(db: Queryable, viewer: Viewer, number: string) {
  assertCan(viewer, 'payments.view');
  const [p] = await db.select({ id: policies.id, number: policies.number }).from(policies).where(eq(policies.number, number.trim().toUpperCase()));
  return p ?? null;
}
