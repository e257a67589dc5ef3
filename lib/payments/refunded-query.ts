// The refunded total of one payment, from its ledger refund lines (see refunded.ts).
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { ledgerEntries } from '@/db/schema';

export async function refundedMinorOf(db: Queryable, paymentId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}), 0)` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.paymentId, paymentId), eq(ledgerEntries.kind, 'refund'), eq(ledgerEntries.account, 'holder')));
  return Number(row.total);
}
