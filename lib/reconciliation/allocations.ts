// A break resolved by a manual allocation (lib/movements, four eyes) is resolved when that movement
// is approved, by whoever approved it; a rejected allocation reopens the break. Money the Paybill
// pipeline queued (lib/paybill, /staff/unallocated, four eyes there too) resolves its break when it
// is allocated there.
import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { reconBreaks, reconLines } from '@/db/reconciliation-schema';
import { paybillReceipts } from '@/db/paybill-schema';
import { moneyMovements } from '@/db/schema';

export async function syncAllocations(db: Queryable): Promise<void> {
  // An allocation raised on Money by hand directly (not from the break) with the line's M-Pesa code
  // is the same resolution: link it, and it resolves or waits like one raised from the break.
  const unlinked = await db
    .select({ id: reconBreaks.id, movementId: moneyMovements.id })
    .from(reconBreaks)
    .innerJoin(reconLines, eq(reconLines.id, reconBreaks.lineId))
    .innerJoin(moneyMovements, and(eq(moneyMovements.mpesaCode, reconLines.reference), eq(moneyMovements.kind, 'allocation')))
    .where(and(eq(reconBreaks.status, 'open'), eq(reconBreaks.kind, 'uncredited'), inArray(moneyMovements.status, ['requested', 'approved'])));
  for (const u of unlinked) {
    await db.update(reconBreaks).set({ status: 'allocation_requested', movementId: u.movementId }).where(and(eq(reconBreaks.id, u.id), eq(reconBreaks.status, 'open')));
  }
  const waiting = await db
    .select({ id: reconBreaks.id, status: moneyMovements.status, decidedBy: moneyMovements.decidedBy, decidedAt: moneyMovements.decidedAt, note: moneyMovements.decisionNote })
    .from(reconBreaks)
    .innerJoin(moneyMovements, eq(moneyMovements.id, reconBreaks.movementId))
    .where(and(eq(reconBreaks.status, 'allocation_requested'), inArray(moneyMovements.status, ['approved', 'rejected'])));
  for (const w of waiting) {
    const patch =
      w.status === 'approved'
        ? { status: 'resolved' as const, resolution: 'allocated' as const, resolvedBy: w.decidedBy, resolvedAt: w.decidedAt ?? new Date(), resolutionNote: w.note }
        : { status: 'open' as const, movementId: null };
    await db.update(reconBreaks).set(patch).where(and(eq(reconBreaks.id, w.id), eq(reconBreaks.status, 'allocation_requested')));
  }
  const paybill = await db
    .select({ id: reconBreaks.id, paymentId: paybillReceipts.paymentId, decidedBy: paybillReceipts.decidedBy, decidedAt: paybillReceipts.decidedAt, note: paybillReceipts.decisionNote })
    .from(reconBreaks)
    .innerJoin(reconLines, eq(reconLines.id, reconBreaks.lineId))
    .innerJoin(paybillReceipts, eq(paybillReceipts.transId, reconLines.reference))
    .where(and(eq(reconBreaks.status, 'open'), eq(reconBreaks.kind, 'uncredited'), eq(reconBreaks.channel, 'mpesa'), inArray(paybillReceipts.status, ['allocated', 'credited', 'attached_to_stk'])));
  for (const p of paybill) {
    await db
      .update(reconBreaks)
      .set({
        status: 'resolved',
        resolution: 'allocated',
        paymentId: p.paymentId,
        resolvedBy: p.decidedBy,
        resolvedAt: p.decidedAt ?? new Date(),
        resolutionNote: p.note ?? 'Allocated on the Unallocated page.',
      })
      .where(and(eq(reconBreaks.id, p.id), eq(reconBreaks.status, 'open')));
  }
}
