// A gateway's fee on a payment, booked once on the ledger's 'fees' account (never the holder's, so
// balances do not move) against the payment's policy: gross (payment_received) − fees = net.
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '@/db/client';
import { ledgerEntries, type Payment } from '@/db/schema';

export async function bookFee(tx: Tx, payment: Pick<Payment, 'id' | 'policyId' | 'userId' | 'currency'>, feeMinor: number, what: string): Promise<void> {
  if (feeMinor <= 0) return;
  // The ledger's once-per-payment constraint makes a second booking of the same fee a no-op.
  await tx
    .insert(ledgerEntries)
    .values({ policyId: payment.policyId, userId: payment.userId, paymentId: payment.id, kind: 'fee', account: 'fees', amountMinor: feeMinor, currency: payment.currency, memo: what })
    .onConflictDoNothing();
}

export async function feeBookedFor(db: Queryable, paymentId: string): Promise<number> {
  const [r] = await db
    .select({ total: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}), 0)` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.paymentId, paymentId), eq(ledgerEntries.account, 'fees')));
  return Number(r.total);
}
