// Balances and installment states derived from the append-only ledger.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { installments, ledgerEntries } from '@/db/schema';

/** What the holder still owes on a policy (positive) or has in credit (negative). */
export async function policyBalance(db: Queryable, policyId: string): Promise<number> {
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}), 0)` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.policyId, policyId), eq(ledgerEntries.account, 'holder')));
  return Number(row.balance);
}

export type InstallmentWithPaid = typeof installments.$inferSelect & { paidMinor: number };

/** The schedule with what each installment has received (payments in, refunds out). */
export async function installmentsWithPaid(db: Queryable, policyId: string): Promise<InstallmentWithPaid[]> {
  const paid = sql<string>`coalesce(-sum(${ledgerEntries.amountMinor}) filter (where ${ledgerEntries.kind} in ('payment_received', 'refund')), 0)`;
  const rows = await db
    .select({ inst: installments, paid })
    .from(installments)
    .leftJoin(ledgerEntries, eq(ledgerEntries.installmentId, installments.id))
    .where(eq(installments.policyId, policyId))
    .groupBy(installments.id)
    .orderBy(asc(installments.seq));
  return rows.map((r) => ({ ...r.inst, paidMinor: Number(r.paid) }));
}

/** The holder's ledger lines for a policy, oldest first (commission lines are the agent's). */
export async function ledgerForPolicy(db: Queryable, policyId: string) {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.policyId, policyId), eq(ledgerEntries.account, 'holder')))
    .orderBy(asc(ledgerEntries.id));
}

export async function ledgerForPayments(db: Queryable, paymentIds: string[]) {
  if (paymentIds.length === 0) return [];
  return db
    .select()
    .from(ledgerEntries)
    .where(and(inArray(ledgerEntries.paymentId, paymentIds)))
    .orderBy(asc(ledgerEntries.id));
}

/**
 * The policy's balance right after this payment was booked: ledger lines up to its own last
 * 'payment_received' line (later refund lines carry its id too, and must not move this figure).
 */
export async function balanceAfterPayment(db: Queryable, policyId: string, paymentId: string): Promise<number | null> {
  const [row] = await db
    .select({ balance: sql<string | null>`sum(${ledgerEntries.amountMinor})` })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.policyId, policyId),
        eq(ledgerEntries.account, 'holder'),
        sql`${ledgerEntries.id} <= (select max(l.id) from ledger_entries l where l.payment_id = ${paymentId} and l.kind = 'payment_received')`,
      ),
    );
  return row?.balance == null ? null : Number(row.balance);
}
