// Receipt numbers used to be derived (reference + HMAC tag under AUTH_SECRET) and never stored.
// Now the database assigns and stores them (migration 0011's trigger). Payments completed before
// that keep the number already printed on their receipts: it is computed here, once, with the
// secret they were issued under, and stored. Idempotent and safe with several instances starting
// together: each row is written only while still empty, and every instance computes the same value.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { payments } from '@/db/schema';
import { serverSecret } from '@/lib/env';
import { legacyReceiptNumber } from './receipt-number';

export async function backfillReceiptNumbers(db: Db, env: NodeJS.ProcessEnv = process.env, batch = 1000): Promise<number> {
  let filled = 0;
  // Served by the partial index payments_receipt_missing_idx, which is empty once this has run.
  for (;;) {
    const rows = await db
      .select({ id: payments.id, reference: payments.reference })
      .from(payments)
      .where(and(eq(payments.status, 'completed'), isNull(payments.receiptNo)))
      .limit(batch);
    if (!rows.length) return filled;
    const secret = serverSecret(env);
    await db.transaction(async (tx) => {
      for (const r of rows) {
        const done = await tx
          .update(payments)
          .set({ receiptNo: legacyReceiptNumber(r.reference, secret) })
          .where(and(eq(payments.id, r.id), isNull(payments.receiptNo)))
          .returning({ id: payments.id });
        filled += done.length;
      }
    });
    if (rows.length < batch) return filled;
  }
}
