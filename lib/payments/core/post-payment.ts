// Books a completed payment: ledger lines per installment it pays, oldest first, in the same
// transaction that completed it.
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { installments, ledgerEntries, policies, type Payment } from '@/db/schema';
import { allocatePayment, installmentStatusFor } from './allocate';
import { installmentsWithPaid } from './ledger';

export async function postPaymentToLedger(tx: Tx, payment: Payment) {
  // Sent together (one connection runs them in order, so the schedule is read after the lock
  // is held): the policy lock serialises bookings on one policy so two payments never split the
  // same open installment.
  const [[policy], schedule] = await Promise.all([
    tx
      .select({ agentId: policies.agentId, commissionBps: policies.commissionBps })
      .from(policies)
      .where(eq(policies.id, payment.policyId))
      .for('update'),
    installmentsWithPaid(tx, payment.policyId),
  ]);
  const { allocations, unallocatedMinor } = allocatePayment(payment.amountMinor, schedule);
  const memo = `Payment ${payment.reference}`;
  const base = {
    policyId: payment.policyId,
    userId: payment.userId,
    paymentId: payment.id,
    kind: 'payment_received' as 'payment_received' | 'commission',
    currency: payment.currency,
  };
  const lines: (typeof ledgerEntries.$inferInsert)[] = allocations.map((a) => ({
    ...base,
    installmentId: a.installmentId,
    amountMinor: -a.amountMinor,
    memo,
  }));
  if (unallocatedMinor > 0) {
    // Only reachable if the policy's balance shrank after initiation (e.g. a card and an M-Pesa
    // payment raced). The money is kept as credit on the policy, never dropped.
    lines.push({ ...base, installmentId: null, amountMinor: -unallocatedMinor, memo: `${memo} (credit)` });
  }
  if (policy.agentId && policy.commissionBps > 0) {
    // The selling agent's share, on the agent's account: it never touches the holder's balance.
    lines.push({
      ...base,
      installmentId: null,
      kind: 'commission',
      account: 'agent',
      agentId: policy.agentId,
      amountMinor: commissionFor(payment.amountMinor, policy.commissionBps),
      memo: `Commission ${policy.commissionBps / 100}% on ${payment.reference}`,
    });
  }
  // Independent writes, pipelined on the transaction's connection.
  await Promise.all([
    lines.length ? tx.insert(ledgerEntries).values(lines) : null,
    ...allocations.map((a) => {
      const inst = schedule.find((s) => s.id === a.installmentId)!;
      return tx
        .update(installments)
        .set({ status: installmentStatusFor(inst.amountMinor, inst.paidMinor + a.amountMinor) })
        .where(eq(installments.id, a.installmentId));
    }),
  ]);
  return { allocations, unallocatedMinor };
}

/** Commission in whole cents, rounded down (integer arithmetic only). */
export function commissionFor(amountMinor: number, bps: number): number {
  return Math.floor((amountMinor * bps) / 10_000);
}
