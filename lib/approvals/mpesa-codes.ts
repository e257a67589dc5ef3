// An M-Pesa transaction code identifies one movement of money. Before staff record one (a refund's
// pay-out, an allocation of money received, a credit pay-out), it must not already be held anywhere:
// a payment's receipt, a refund's pay-out, or another hand-made movement. Unique indexes on each
// column are the last word under concurrency; this gives the plain-language answer.
import { and, eq, ne } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { moneyMovements, payments, refunds } from '@/db/schema';

/** Words for where `code` is already held, or null when it is free. */
export async function mpesaCodeHeldBy(db: Queryable, code: string, except: { refundId?: string; movementId?: string } = {}): Promise<string | null> {
  const [p] = await db.select({ id: payments.id }).from(payments).where(eq(payments.mpesaReceipt, code)).limit(1);
  if (p) return 'the receipt of a payment we received';
  const [r] = await db
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.gatewayReference, code), except.refundId ? ne(refunds.id, except.refundId) : undefined))
    .limit(1);
  if (r) return 'the pay-out of another refund';
  const [m] = await db
    .select({ id: moneyMovements.id })
    .from(moneyMovements)
    .where(and(eq(moneyMovements.mpesaCode, code), except.movementId ? ne(moneyMovements.id, except.movementId) : undefined))
    .limit(1);
  return m ? 'another allocation or pay-out' : null;
}
