// Matching one Nairobi day of one channel: every statement line against our payments, by receipt
// (M-Pesa) or reference (Paystack) first, then by amount + time + account for M-Pesa lines our
// receipts do not know (a prompt whose callback never came and no query found). Then every payment
// we credited that day is looked for in the statements. What does not match is a named break.
// Safe to run again: matched lines are skipped, breaks and fee lines are written once.
import { and, asc, between, eq, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { reconBreaks, reconDays, reconLines, type ReconChannel, type ReconLine } from '@/db/reconciliation-schema';
import { moneyMovements, payments, policies, refunds, type Payment } from '@/db/schema';
import { formatKes } from '@/lib/money';
import { nairobiDayEnd, nairobiDayStart } from '@/lib/nairobi-time';
import { stkAccountReference } from '@/lib/payments/mpesa/adapter';
import { applyVerdict } from '@/lib/payments/core/verdict';
import { CLOSED_UNPAID } from '@/lib/payments/core/status';
import { recordBreak } from './breaks';
import { bookFee } from './fees';
import { sendToUnallocated } from './uncredited';
import { syncAllocations } from './allocations';

export type LineResult = 'matched' | 'completed_late' | 'uncredited' | 'amount_differs' | 'fee_booked' | 'unexplained' | 'ignored';
export type DayResult = { day: string; channel: ReconChannel; closed: boolean; lines: Partial<Record<LineResult, number>>; creditedNoMoney: number };

/** How far a statement line's time may be from the prompt we sent (the holder may answer late). */
const STK_MATCH_BEFORE_MS = 5 * 60_000;
const STK_MATCH_AFTER_MS = 2 * 3600_000;

export async function reconcileDay(db: Db, day: string, channel: ReconChannel): Promise<DayResult> {
  const result: DayResult = { day, channel, closed: false, lines: {}, creditedNoMoney: 0 };
  const [d] = await db.select().from(reconDays).where(and(eq(reconDays.day, day), eq(reconDays.channel, channel)));
  if (d?.status === 'closed') return { ...result, closed: true };
  const lines = await db
    .select()
    .from(reconLines)
    .where(and(eq(reconLines.channel, channel), eq(reconLines.day, day), isNull(reconLines.result)))
    .orderBy(asc(reconLines.occurredAt), asc(reconLines.kind));
  for (const candidate of lines) {
    const r = await db.transaction(async (tx) => {
      // Another instance may be matching the same day (two uploads at once): the line's row lock
      // and a fresh look at its result make each line matched once.
      const [line] = await tx.select().from(reconLines).where(and(eq(reconLines.id, candidate.id), isNull(reconLines.result))).for('update');
      if (!line) return null;
      return channel === 'mpesa' ? matchMpesaLine(tx, line) : matchCardLine(tx, line);
    });
    if (r) result.lines[r] = (result.lines[r] ?? 0) + 1;
  }
  if (d) result.creditedNoMoney = await db.transaction((tx) => findCreditedWithoutMoney(tx, day, channel));
  await syncAllocations(db);
  return result;
}

async function setResult(tx: Tx, line: ReconLine, result: LineResult, link: { paymentId?: string | null; movementId?: string | null } = {}) {
  await tx.update(reconLines).set({ result, paymentId: link.paymentId ?? line.paymentId, movementId: link.movementId ?? line.movementId }).where(eq(reconLines.id, line.id));
  line.paymentId = link.paymentId ?? line.paymentId;
  return result;
}

/** A break for money we credited but could not find resolves itself when a later line finds it. */
async function resolveFoundLater(tx: Tx, paymentId: string, line: ReconLine) {
  await tx
    .update(reconBreaks)
    .set({ status: 'resolved', resolution: 'matched_later', resolutionReference: line.reference, resolutionNote: `Found on the statement of ${line.day}.`, resolvedAt: new Date() })
    .where(and(eq(reconBreaks.paymentId, paymentId), eq(reconBreaks.kind, 'credited_no_money'), ne(reconBreaks.status, 'resolved'), sql`not exists (select 1 from recon_days d where d.day = ${reconBreaks.day} and d.channel = ${reconBreaks.channel} and d.status = 'closed')`));
}

async function paymentBy(tx: Tx, column: typeof payments.mpesaReceipt | typeof payments.paystackReference, value: string) {
  const [p] = await tx.select().from(payments).where(eq(column, value));
  return p;
}

/** The line's money against a completed payment: matched, or the amounts differ. */
async function againstCompleted(tx: Tx, line: ReconLine, p: Payment): Promise<LineResult> {
  if (p.amountMinor !== line.grossMinor) {
    await recordBreak(tx, {
      kind: 'amount_differs',
      line: { ...line, paymentId: p.id },
      statementMinor: line.grossMinor,
      creditedMinor: p.amountMinor,
      summary: `${line.reference}: the statement says ${formatKes(line.grossMinor)}, we credited ${formatKes(p.amountMinor)} (payment ${p.reference}).`,
    });
    return setResult(tx, line, 'amount_differs', { paymentId: p.id });
  }
  if (line.feeMinor > 0) await bookFee(tx, p, line.feeMinor, `${line.channel === 'card' ? 'Paystack' : 'M-Pesa'} fee on ${line.reference}`);
  await resolveFoundLater(tx, p.id, line);
  return setResult(tx, line, 'matched', { paymentId: p.id });
}

/** Money for a payment of ours that we had not credited: the payments core decides (credit late, or hold for review). */
async function completeLate(tx: Tx, line: ReconLine, p: Payment, via: string): Promise<LineResult> {
  const receipt = line.channel === 'mpesa' ? line.reference : null;
  const outcome = await applyVerdict(tx, p.id, { kind: 'paid', amountMinor: line.grossMinor, currency: p.currency, receipt, via });
  if (outcome === 'completed' || outcome === 'completed_late') {
    const [done] = await tx.select().from(payments).where(eq(payments.id, p.id));
    if (line.feeMinor > 0) await bookFee(tx, done, line.feeMinor, `${line.channel === 'card' ? 'Paystack' : 'M-Pesa'} fee on ${line.reference}`);
    return setResult(tx, line, 'completed_late', { paymentId: p.id });
  }
  const kind = line.grossMinor !== p.amountMinor ? 'amount_differs' : 'uncredited';
  await recordBreak(tx, {
    kind,
    line: { ...line, paymentId: p.id },
    statementMinor: line.grossMinor,
    creditedMinor: 0,
    summary: `${line.reference}: ${formatKes(line.grossMinor)} arrived for payment ${p.reference} (asked ${formatKes(p.amountMinor)}), which is ${outcome === 'held_for_review' ? 'now held for review' : `not credited (${p.status})`}.`,
  });
  return setResult(tx, line, kind, { paymentId: p.id });
}

async function matchMpesaLine(tx: Tx, line: ReconLine): Promise<LineResult> {
  if (line.kind === 'other') return setResult(tx, line, 'ignored');
  if (line.kind === 'charge') {
    const p = await paymentBy(tx, payments.mpesaReceipt, line.reference);
    if (p?.status === 'completed') {
      await bookFee(tx, p, line.grossMinor || line.feeMinor, `M-Pesa charge on ${line.reference}`);
      return setResult(tx, line, 'fee_booked', { paymentId: p.id });
    }
    return unexplained(tx, line, `A charge of ${formatKes(line.feeMinor || line.grossMinor)} on ${line.reference} belongs to no payment we credited.`);
  }
  if (line.kind === 'money_out') {
    const [refund] = await tx.select({ id: refunds.id }).from(refunds).where(eq(refunds.gatewayReference, line.reference));
    const [payout] = await tx.select({ id: moneyMovements.id }).from(moneyMovements).where(and(eq(moneyMovements.mpesaCode, line.reference), eq(moneyMovements.kind, 'credit_payout')));
    if (refund || payout) return setResult(tx, line, 'matched', { movementId: payout?.id ?? null });
    return unexplained(tx, line, `${formatKes(line.grossMinor)} left the paybill (${line.reference}: ${line.details || 'no details'}) with no refund or pay-out of ours.`);
  }
  // Money in: by receipt first.
  const p = await paymentBy(tx, payments.mpesaReceipt, line.reference);
  if (p?.status === 'completed') return againstCompleted(tx, line, p);
  if (p) return completeLate(tx, line, p, 'M-Pesa statement');
  const [allocation] = await tx.select().from(moneyMovements).where(and(eq(moneyMovements.mpesaCode, line.reference), eq(moneyMovements.kind, 'allocation'), eq(moneyMovements.status, 'approved')));
  if (allocation) return setResult(tx, line, 'matched', { movementId: allocation.id });
  // Then a prompt of ours with this amount, near this time, for this account, that no receipt reached.
  const t = line.occurredAt.getTime();
  const candidates = await tx
    .select({ payment: payments, policyNumber: policies.number })
    .from(payments)
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(
      and(
        eq(payments.method, 'mpesa'),
        isNull(payments.mpesaReceipt),
        inArray(payments.status, ['pending', ...CLOSED_UNPAID]),
        eq(payments.amountMinor, line.grossMinor),
        between(payments.createdAt, new Date(t - STK_MATCH_AFTER_MS), new Date(t + STK_MATCH_BEFORE_MS)),
      ),
    );
  const account = line.account?.replace(/[^A-Za-z0-9]/g, '').toUpperCase() ?? null;
  const fits = candidates
    .filter((c) => !account || stkAccountReference(c.policyNumber).toUpperCase() === account)
    .sort((a, b) => Math.abs(a.payment.createdAt.getTime() - t) - Math.abs(b.payment.createdAt.getTime() - t));
  if (fits[0]) return completeLate(tx, line, fits[0].payment, 'M-Pesa statement');
  // No payment of ours: the Paybill pipeline credits it by its account number, or queues it.
  const credited = await sendToUnallocated(tx, line);
  if (credited) return setResult(tx, line, 'completed_late', credited);
  return setResult(tx, line, 'uncredited');
}

async function matchCardLine(tx: Tx, line: ReconLine): Promise<LineResult> {
  if (line.kind !== 'money_in') return setResult(tx, line, 'ignored');
  const p = await paymentBy(tx, payments.paystackReference, line.reference);
  if (p?.status === 'completed') return againstCompleted(tx, line, p);
  if (p) return completeLate(tx, line, p, 'Paystack settlement');
  await sendToUnallocated(tx, line);
  return setResult(tx, line, 'uncredited');
}

async function unexplained(tx: Tx, line: ReconLine, summary: string): Promise<LineResult> {
  await recordBreak(tx, { kind: 'unexplained_out', line, statementMinor: line.grossMinor || line.feeMinor, creditedMinor: 0, summary });
  return setResult(tx, line, 'unexplained');
}

/**
 * Payments we credited on this day whose money no statement line shows: a red break, and the
 * payment is flagged for review. Nothing is reversed: staff find the money or decide.
 */
async function findCreditedWithoutMoney(tx: Tx, day: string, channel: ReconChannel): Promise<number> {
  const method = channel === 'mpesa' ? 'mpesa' : 'card';
  const key = channel === 'mpesa' ? payments.mpesaReceipt : payments.paystackReference;
  const missing = await tx
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.method, method),
        eq(payments.status, 'completed'),
        gte(payments.completedAt, nairobiDayStart(day)),
        lt(payments.completedAt, nairobiDayEnd(day)),
        sql`not exists (select 1 from recon_lines l where l.channel = ${channel} and l.kind = 'money_in' and (l.payment_id = ${payments.id} or l.reference = ${key}))`,
      ),
    );
  for (const p of missing) {
    await recordBreak(tx, {
      kind: 'credited_no_money',
      channel,
      day,
      paymentId: p.id,
      statementMinor: 0,
      creditedMinor: p.amountMinor,
      summary: `We credited ${formatKes(p.amountMinor)} (payment ${p.reference}${p.mpesaReceipt ? `, receipt ${p.mpesaReceipt}` : p.paystackReference ? `, ${p.paystackReference}` : ''}) but no statement line shows the money.`,
    });
    if (!p.flagged) {
      await tx.update(payments).set({ flagged: true, flagReason: 'Reconciliation: credited, but the money is not on the statement. Held for review; not reversed.' }).where(eq(payments.id, p.id));
    }
  }
  return missing.length;
}
