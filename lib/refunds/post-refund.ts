// Books a processed refund in the same transaction that marks it processed: positive 'refund'
// lines on the holder's account (the balance grows back by exactly the refunded amount), taken
// from what this payment paid, newest installment first, and those installments re-opened.
// The selling agent's commission on the refunded share is clawed back on the agent's account.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { installments, ledgerEntries, policies, refunds, type Payment, type Refund } from '@/db/schema';
import { installmentStatusFor } from '@/lib/payments/core/allocate';
import { installmentsWithPaid } from '@/lib/payments/core/ledger';
import { enqueueJob } from '@/lib/jobs/queue';
import { NOTIFY_REFUND_NOTE_JOB } from '@/lib/notifications/jobs';

export type RefundSlot = { installmentId: string | null; seq: number; heldMinor: number };

/**
 * Pure: spreads `amountMinor` over what the payment still holds, unallocated credit first (it paid
 * nothing yet), then installments from the newest (highest seq) back.
 */
export function spreadRefund(amountMinor: number, slots: RefundSlot[]): { installmentId: string | null; amountMinor: number }[] {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new Error('refund amount must be a positive integer');
  const ordered = [...slots].sort((a, b) => Number(a.installmentId !== null) - Number(b.installmentId !== null) || b.seq - a.seq);
  let left = amountMinor;
  const out: { installmentId: string | null; amountMinor: number }[] = [];
  for (const s of ordered) {
    if (left === 0) break;
    const take = Math.min(s.heldMinor, left);
    if (take > 0) out.push({ installmentId: s.installmentId, amountMinor: take });
    left -= take;
  }
  if (left > 0) throw new Error(`refund of ${amountMinor} exceeds what the payment still holds`);
  return out;
}

export async function postRefundToLedger(tx: Tx, refund: Refund, payment: Payment) {
  // The same policy lock as postPaymentToLedger: bookings on one policy never interleave.
  const [policy] = await tx.select({ id: policies.id }).from(policies).where(eq(policies.id, payment.policyId)).for('update');
  const held = await tx
    .select({
      installmentId: ledgerEntries.installmentId,
      seq: sql<number>`coalesce(max(${installments.seq}), 0)`,
      held: sql<string>`-sum(${ledgerEntries.amountMinor})`,
    })
    .from(ledgerEntries)
    .leftJoin(installments, eq(installments.id, ledgerEntries.installmentId))
    .where(
      and(
        eq(ledgerEntries.paymentId, payment.id),
        eq(ledgerEntries.account, 'holder'),
        inArray(ledgerEntries.kind, ['payment_received', 'refund']),
      ),
    )
    .groupBy(ledgerEntries.installmentId);
  const spread = spreadRefund(
    refund.amountMinor,
    held.map((h) => ({ installmentId: h.installmentId, seq: Number(h.seq), heldMinor: Number(h.held) })),
  );
  const memo = `Refund of payment ${payment.reference}`;
  const lines: (typeof ledgerEntries.$inferInsert)[] = spread.map((s) => ({
    policyId: policy.id,
    userId: payment.userId,
    paymentId: payment.id,
    installmentId: s.installmentId,
    refundId: refund.id,
    kind: 'refund',
    account: 'holder',
    amountMinor: s.amountMinor,
    currency: refund.currency,
    memo,
  }));
  // The holder's refund note email: queued with the booking, so exactly once.
  await enqueueJob(tx, { kind: NOTIFY_REFUND_NOTE_JOB, key: `${NOTIFY_REFUND_NOTE_JOB}:${refund.id}`, payload: { refundId: refund.id } });
  const clawback = await commissionClawback(tx, refund, payment);
  if (clawback) lines.push({ ...clawback, policyId: policy.id, userId: payment.userId, paymentId: payment.id, refundId: refund.id });
  await tx.insert(ledgerEntries).values(lines);

  const touched = new Set(spread.map((s) => s.installmentId).filter((id): id is string => id !== null));
  if (touched.size) {
    for (const inst of await installmentsWithPaid(tx, payment.policyId)) {
      if (!touched.has(inst.id)) continue;
      await tx.update(installments).set({ status: installmentStatusFor(inst.amountMinor, inst.paidMinor) }).where(eq(installments.id, inst.id));
    }
  }
  return { lines: spread, clawbackMinor: clawback ? -clawback.amountMinor : 0 };
}

/**
 * The agent keeps commission only on premium that stayed paid. Computed on the cumulative refunded
 * share, so several partial refunds never claw back more (or, by rounding, less) than one would.
 */
async function commissionClawback(tx: Tx, refund: Refund, payment: Payment) {
  const commission = await tx
    .select({ agentId: ledgerEntries.agentId, amount: ledgerEntries.amountMinor, refundId: ledgerEntries.refundId })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.paymentId, payment.id), eq(ledgerEntries.account, 'agent'), eq(ledgerEntries.kind, 'commission')))
    .orderBy(desc(ledgerEntries.id));
  const original = commission.find((c) => c.refundId === null);
  if (!original || original.amount <= 0 || !original.agentId) return null;
  const clawedSoFar = -commission.filter((c) => c.refundId !== null).reduce((s, c) => s + c.amount, 0);
  const [done] = await tx
    .select({ total: sql<string>`coalesce(sum(${refunds.amountMinor}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.paymentId, payment.id), eq(refunds.status, 'processed')));
  // `done` already includes this refund: it was marked processed earlier in this transaction.
  const refundedMinor = Math.min(Number(done.total), payment.amountMinor);
  const target = Math.floor((original.amount * refundedMinor) / payment.amountMinor);
  const delta = target - clawedSoFar;
  if (delta <= 0) return null;
  return {
    kind: 'commission' as const,
    account: 'agent' as const,
    agentId: original.agentId,
    installmentId: null,
    amountMinor: -delta,
    currency: refund.currency,
    memo: `Commission clawed back: refund of ${payment.reference}`,
  };
}
