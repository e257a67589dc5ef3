// The one way Paybill money enters the books: a C2B confirmation (lib/paybill/confirmation.ts) and
// an M-Pesa statement line we never got a confirmation for (daily reconciliation) both call
// ingestPaybillPayment. Idempotent by M-Pesa's TransID (a unique row per transaction), and the
// same money never counts twice:
//  - a payment already carrying this receipt (an STK payment whose callback came) is that money;
//  - an STK payment completed by STK Query has no receipt yet: a confirmation with the same amount
//    on its policy within minutes is that payment (its receipt is filled in), unless more than one
//    could be (review);
//  - an STK prompt still waiting for the same amount: we look again in a few minutes.
// Otherwise the account number is matched (match.ts) and the money is credited as a normal payment
// through the payment core (receipt number, ledger, installments, email, SSE), or waits for staff.
import { and, between, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { paybillReceipts, type PaybillReceipt } from '@/db/paybill-schema';
import { moneyMovements, paymentStatusChanges, payments, policies } from '@/db/schema';
import { paybillSettings } from '@/lib/env';
import { enqueueJob } from '@/lib/jobs/queue';
import { log } from '@/lib/log';
import { newPaymentReference } from '@/lib/payments/core/reference';
import { applyVerdict } from '@/lib/payments/core/verdict';
import { paybillVerdict } from '@/lib/payments/mpesa/c2b-adapter';
import { matchBillRef, type CandidateNote } from './match';
import { policyCandidates } from './policy-lookup';
import type { IngestOutcome, PaybillPayment } from './types';

export type { IngestOutcome, PaybillPayment } from './types';

export const PAYBILL_RECHECK_JOB = 'paybill.recheck-stk-overlap';
/** Looks again after 3, 10 and 20 minutes (the STK sweep settles a prompt within 15). */
const RECHECK_AFTER_MINUTES = [3, 10, 20];

const paymentSchema = z.object({
  transId: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{6,20}$/),
  transTime: z.date().refine((d) => !Number.isNaN(+d)),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  shortCode: z.string().trim().min(1).max(20),
  billRef: z.string().max(100).transform((s) => s.trim()),
  payerName: z.string().max(200).transform((s) => s.trim()),
  msisdn: z.string().max(64).nullable(),
  source: z.enum(['c2b_confirmation', 'statement']),
  gatewayEventId: z.union([z.number(), z.string()]).optional(),
});

export async function ingestPaybillPayment(db: Db, p: PaybillPayment, opts: { holdReason?: string } = {}): Promise<IngestOutcome> {
  return db.transaction((tx) => ingestPaybillPaymentIn(tx, p, opts));
}

/** The same, inside the caller's transaction (the confirmation job applies its event in one). */
export async function ingestPaybillPaymentIn(tx: Tx, raw: PaybillPayment, opts: { holdReason?: string } = {}): Promise<IngestOutcome> {
  const p = paymentSchema.parse(raw);
  const eventId = p.gatewayEventId === undefined ? null : Number(p.gatewayEventId);
  const [row] = await tx
    .insert(paybillReceipts)
    .values({
      transId: p.transId,
      transTime: p.transTime,
      amountMinor: p.amountMinor,
      shortCode: p.shortCode,
      billRef: p.billRef,
      payerName: p.payerName,
      msisdn: p.msisdn,
      source: p.source,
      gatewayEventId: Number.isSafeInteger(eventId) ? eventId : null,
      status: 'review',
      reason: 'Being matched.',
    })
    .onConflictDoNothing({ target: paybillReceipts.transId })
    .returning();
  if (!row) {
    // Seen before (a resent confirmation, or the statement line of a confirmed payment).
    const [seen] = await tx.select().from(paybillReceipts).where(eq(paybillReceipts.transId, p.transId));
    return { outcome: 'duplicate', receiptId: seen.id, status: seen.status, paymentId: seen.paymentId };
  }
  const outcome = await decide(tx, row, { holdReason: opts.holdReason, attempt: 0 });
  log.info({ event: 'paybill.ingested', source: p.source, receiptId: row.id, outcome: outcome.outcome, amountMinor: p.amountMinor }, 'paybill payment ingested');
  return outcome;
}

type Decision = { status: PaybillReceipt['status']; reason: string | null; paymentId?: string | null; matchedBy?: string | null; candidates?: CandidateNote[] };

async function record(tx: Tx, row: PaybillReceipt, d: Decision) {
  await tx
    .update(paybillReceipts)
    .set({ status: d.status, reason: d.reason, paymentId: d.paymentId ?? null, matchedBy: d.matchedBy ?? null, candidates: d.candidates ?? [], updatedAt: new Date() })
    .where(eq(paybillReceipts.id, row.id));
}

async function review(tx: Tx, row: PaybillReceipt, reason: string, candidates: CandidateNote[] = []): Promise<IngestOutcome> {
  await record(tx, row, { status: 'review', reason, candidates });
  return { outcome: 'review', receiptId: row.id, reason };
}

/** What this transaction is, decided under its row (new, or locked by the re-check). */
async function decide(tx: Tx, row: PaybillReceipt, ctx: { holdReason?: string; attempt: number }): Promise<IngestOutcome> {
  const [owner] = await tx.select({ id: payments.id }).from(payments).where(eq(payments.mpesaReceipt, row.transId));
  if (owner) {
    await record(tx, row, { status: 'attached_to_stk', reason: 'Already received as this payment (same M-Pesa receipt).', paymentId: owner.id });
    return { outcome: 'attached_to_stk', receiptId: row.id, paymentId: owner.id };
  }
  const [byHand] = await tx
    .select({ id: moneyMovements.id, status: moneyMovements.status })
    .from(moneyMovements)
    .where(and(eq(moneyMovements.mpesaCode, row.transId), ne(moneyMovements.status, 'rejected')));
  if (byHand) return review(tx, row, `Staff already raised an allocation of ${row.transId} by hand (${byHand.status}); nothing was credited.`);
  if (ctx.holdReason) return review(tx, row, ctx.holdReason);
  const settings = paybillSettings();
  if (!settings.shortcodes.includes(row.shortCode)) return review(tx, row, `Paid to shortcode ${row.shortCode}, which is not our Paybill.`);

  const match = matchBillRef(row.billRef, row.payerName, await policyCandidates(tx, row.billRef));
  const policyIds = match.kind === 'match' ? [match.policyId] : match.candidates.map((c) => c.policyId);
  const candidates = match.kind === 'match' ? [] : match.candidates;

  if (policyIds.length) {
    const windowMs = settings.stkOverlapMinutes * 60_000;
    const overlapping = await tx
      .select({ id: payments.id, status: payments.status, flagReason: payments.flagReason, reference: payments.reference })
      .from(payments)
      .where(
        and(
          inArray(payments.policyId, policyIds),
          eq(payments.method, 'mpesa'),
          eq(payments.channel, 'app'),
          eq(payments.amountMinor, row.amountMinor),
          isNull(payments.mpesaReceipt),
          inArray(payments.status, ['pending', 'completed']),
          between(payments.createdAt, new Date(+row.transTime - windowMs), new Date(+row.transTime + windowMs)),
        ),
      )
      .for('update');
    const waiting = overlapping.filter((o) => o.status === 'pending');
    const completed = overlapping.filter((o) => o.status === 'completed');
    if (waiting.length) {
      // The prompt's own result (callback or query) will say whether this is its money.
      const next = RECHECK_AFTER_MINUTES[ctx.attempt];
      if (next !== undefined) {
        await enqueueJob(tx, { kind: PAYBILL_RECHECK_JOB, key: `${PAYBILL_RECHECK_JOB}:${row.id}:${ctx.attempt}`, payload: { receiptId: row.id, attempt: ctx.attempt + 1 }, runAt: new Date(Date.now() + next * 60_000) });
      }
      const after = next === undefined ? ' It was still waiting after the last automatic check: staff decide.' : ' Checked again automatically.';
      return review(tx, row, `An M-Pesa prompt for the same amount on this policy is still waiting: this may be the same money.${after}`, candidates);
    }
    if (completed.length === 1) {
      // Completed by STK Query, so no receipt yet: this confirmation is that payment's receipt.
      await attachReceiptToStk(tx, row.transId, completed[0]);
      await record(tx, row, { status: 'attached_to_stk', reason: 'The M-Pesa receipt of an STK payment confirmed by query.', paymentId: completed[0].id });
      return { outcome: 'attached_to_stk', receiptId: row.id, paymentId: completed[0].id };
    }
    if (completed.length > 1) {
      const refs = completed.map((c) => c.reference).join(', ');
      return review(tx, row, `${completed.length} M-Pesa payments of this amount on this policy were confirmed by query without a receipt (${refs}): staff decide which one this is.`, candidates);
    }
  }

  // A prompt of the same amount that we closed without M-Pesa's final word (our timeout, or a push
  // whose answer never came) may still be confirmed later by STK Query: staff are told, because
  // that would be this money a second time unless the holder really paid twice.
  const unsettled = policyIds.length
    ? await tx
        .select({ reference: payments.reference })
        .from(payments)
        .where(
          and(
            inArray(payments.policyId, policyIds),
            eq(payments.method, 'mpesa'),
            eq(payments.channel, 'app'),
            eq(payments.status, 'expired'),
            eq(payments.amountMinor, row.amountMinor),
            isNull(payments.mpesaReceipt),
            sql`(${payments.failureCode} = 'timeout' or ${payments.checkoutRequestId} is null)`,
            between(payments.createdAt, new Date(+row.transTime - settings.stkOverlapMinutes * 60_000), new Date(+row.transTime + settings.stkOverlapMinutes * 60_000)),
          ),
        )
    : [];
  const unsettledFlag = unsettled.length
    ? `An M-Pesa prompt of the same amount (${unsettled.map((u) => u.reference).join(', ')}) was closed without M-Pesa's final word: if it is confirmed later, check this is not the same money.`
    : undefined;

  if (match.kind === 'unmatched') {
    await record(tx, row, { status: 'unallocated', reason: match.reason, candidates });
    return { outcome: 'unallocated', receiptId: row.id, reason: match.reason, candidates };
  }
  const paymentId = await creditToPolicy(tx, row, match.policyId, {
    via: row.source === 'statement' ? 'statement' : 'confirmation',
    startedAs: `Paybill payment ${row.transId} received (account "${row.billRef}")`,
    flag:
      [match.how === 'near_name' ? `Paybill account "${row.billRef}" is one character off the policy number; credited because the payer's name matches the holder.` : null, unsettledFlag]
        .filter(Boolean)
        .join(' ') || undefined,
  });
  await record(tx, row, { status: 'credited', reason: null, paymentId, matchedBy: match.how });
  return { outcome: 'credited', receiptId: row.id, paymentId, policyId: match.policyId, matchedBy: match.how };
}

/** An STK payment confirmed by STK Query gets its M-Pesa receipt; the "receipt not yet known" flag goes. */
export async function attachReceiptToStk(tx: Tx, transId: string, stk: { id: string; flagReason: string | null }) {
  const queryFlag = stk.flagReason?.startsWith('Confirmed by STK Query') ?? false;
  await tx
    .update(payments)
    .set({ mpesaReceipt: transId, updatedAt: new Date(), ...(queryFlag ? { flagged: false, flagReason: null } : {}) })
    .where(and(eq(payments.id, stk.id), isNull(payments.mpesaReceipt)));
}

/**
 * Money of a Paybill transaction booked to a policy: a payment row of its own (channel 'paybill'),
 * completed through the core like any other, so the receipt, ledger, installments, email and
 * status stream all follow. Used by matching and by staff allocation.
 */
export async function creditToPolicy(tx: Tx, row: PaybillReceipt, policyId: string, opts: { via: string; startedAs: string; flag?: string }): Promise<string> {
  const [policy] = await tx.select({ holderId: policies.holderId }).from(policies).where(eq(policies.id, policyId));
  if (!policy) throw new Error(`no policy ${policyId}`);
  const [payment] = await tx
    .insert(payments)
    .values({ reference: newPaymentReference(), userId: policy.holderId, policyId, method: 'mpesa', channel: 'paybill', amountMinor: row.amountMinor, currency: row.currency, phone: null })
    .returning({ id: payments.id });
  await tx.insert(paymentStatusChanges).values({ paymentId: payment.id, toStatus: 'pending', reason: opts.startedAs });
  const applied = await applyVerdict(tx, payment.id, paybillVerdict({ ...toPayment(row) }, opts.flag));
  // A fresh row with our own amount and an unused receipt: anything but completed is a bug.
  if (applied !== 'completed') throw new Error(`paybill payment ${row.transId} could not be completed: ${applied}`);
  return payment.id;
}

function toPayment(row: PaybillReceipt): PaybillPayment {
  return { transId: row.transId, transTime: row.transTime, amountMinor: row.amountMinor, shortCode: row.shortCode, billRef: row.billRef, payerName: row.payerName, msisdn: row.msisdn, source: row.source };
}

/** The re-check job: a transaction held because an STK prompt of the same amount was waiting. */
export async function recheckPaybillReceipt(db: Db, receiptId: string, attempt: number): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(paybillReceipts).where(eq(paybillReceipts.id, receiptId)).for('update');
    if (!row || row.status !== 'review' || !row.reason?.startsWith('An M-Pesa prompt for the same amount')) return 'nothing_to_do';
    return (await decide(tx, row, { attempt })).outcome;
  });
}

/** Open items for the staff page: unallocated, held for review, or waiting for a second person. */
export const OPEN_STATUSES: PaybillReceipt['status'][] = ['unallocated', 'review', 'allocation_requested'];
export const openPaybillCount = sql<number>`count(*) filter (where ${paybillReceipts.status} in ('unallocated', 'review', 'allocation_requested'))`;
