// Applying a Daraja STK callback: authenticate the URL, store the raw bytes, then apply through
// the state machine. Safe to run any number of times, concurrently, for the same body.
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { gatewayEvents, payments } from '@/db/schema';
import { describeResultCode } from '@/lib/gateways/daraja/result-codes';
import { parseStkCallback, type StkCallback } from '@/lib/gateways/daraja/schemas';
import { isUuid } from '@/lib/policies';
import { verifyCallbackToken } from './callback-token';
import { closeUnpaid, completePayment, holdForReview } from './outcomes';
import { lockPayment } from './transition';

export const DARAJA_ACK = { ResultCode: 0, ResultDesc: 'Accepted' } as const;

export type CallbackAnswer = { status: number; body: Record<string, unknown>; outcome: string };

export async function handleStkCallback(
  db: Db,
  args: { paymentId: string; token: string; rawBody: string },
): Promise<CallbackAnswer> {
  if (!isUuid(args.paymentId) || !verifyCallbackToken(args.paymentId, args.token)) {
    return { status: 404, body: { ResultCode: 1, ResultDesc: 'Not found' }, outcome: 'bad_token' };
  }
  let json: unknown = null;
  let malformed = false;
  try {
    json = JSON.parse(args.rawBody);
  } catch {
    malformed = true;
  }
  const parsed = malformed ? null : parseStkCallback(json);
  const event = await storeRawCallback(db, args.paymentId, args.rawBody, malformed ? null : json);
  if (!parsed || !parsed.ok) {
    await markEvent(db, event.id, malformed ? 'malformed_json' : 'invalid_shape');
    return { status: 400, body: { ResultCode: 1, ResultDesc: 'Rejected: malformed callback' }, outcome: 'malformed' };
  }
  const outcome = await applyStkResult(db, args.paymentId, parsed.value);
  await markEvent(db, event.id, outcome);
  return { status: 200, body: DARAJA_ACK, outcome };
}

async function storeRawCallback(db: Db, paymentId: string, raw: string, payload: unknown) {
  const values = {
    source: 'daraja' as const,
    kind: 'stk_callback',
    dedupeKey: `stk_callback:${crypto.createHash('sha256').update(raw).digest('hex')}`,
    paymentId,
    raw,
    payload,
  };
  const insert = (v: typeof values | (Omit<typeof values, 'paymentId'> & { paymentId: null })) =>
    db
      .insert(gatewayEvents)
      .values(v)
      .onConflictDoUpdate({ target: gatewayEvents.dedupeKey, set: { dedupeKey: gatewayEvents.dedupeKey } })
      .returning({ id: gatewayEvents.id });
  try {
    return (await insert(values))[0];
  } catch (err) {
    // A genuine token for a payment this database does not have (e.g. restored backup): keep
    // the bytes anyway, unattached, rather than lose them or answer 500.
    if ((err as { cause?: { code?: string }; code?: string }).cause?.code !== '23503' && (err as { code?: string }).code !== '23503') throw err;
    return (await insert({ ...values, paymentId: null }))[0];
  }
}

async function markEvent(db: Db, id: number, outcome: string) {
  await db.update(gatewayEvents).set({ processedAt: new Date(), outcome }).where(eq(gatewayEvents.id, id));
}

/** Applies one callback to its payment. Returns what happened, for the event log. */
export async function applyStkResult(db: Db, paymentId: string, cb: StkCallback): Promise<string> {
  return db.transaction(async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!payment) return 'unknown_payment';
    if (payment.checkoutRequestId && payment.checkoutRequestId !== cb.checkoutRequestId) return 'unknown_checkout';
    if (payment.merchantRequestId && payment.merchantRequestId !== cb.merchantRequestId) return 'unknown_checkout';
    if (!payment.checkoutRequestId) {
      // The callback beat our own write of Daraja's answer; the per-payment URL vouches for it.
      await tx
        .update(payments)
        .set({ checkoutRequestId: cb.checkoutRequestId, merchantRequestId: cb.merchantRequestId })
        .where(eq(payments.id, paymentId));
    }
    const code = describeResultCode(cb.resultCode);
    if (code.outcome === 'completed') {
      const problem =
        successProblem(payment.amountMinor, payment.phone, cb) ?? (await receiptUsedElsewhere(tx, paymentId, cb.receipt));
      if (problem) {
        const held = await holdForReview(tx, { paymentId, reason: problem });
        return held.ok ? 'held_for_review' : `ignored_${payment.status}`;
      }
      const done = await completePayment(tx, { paymentId, reason: 'STK callback: paid', receipt: cb.receipt });
      return done.ok ? (done.from === 'expired' ? 'completed_late' : 'completed') : `duplicate_${payment.status}`;
    }
    if (code.outcome === 'failed' || code.outcome === 'cancelled' || code.outcome === 'expired') {
      const closed = await closeUnpaid(tx, { paymentId, to: code.outcome, code: cb.resultCode, reason: code.message });
      return closed.ok ? code.outcome : `duplicate_${payment.status}`;
    }
    // A code we do not know is no proof the customer did not pay (daraja.md §7).
    const held = await holdForReview(tx, { paymentId, reason: `Unknown M-Pesa result ${cb.resultCode}: ${cb.resultDesc}` });
    return held.ok ? 'held_for_review' : `ignored_${payment.status}`;
  });
}

async function receiptUsedElsewhere(tx: Tx, paymentId: string, receipt: string | null) {
  if (!receipt) return null;
  const [other] = await tx.select({ id: payments.id }).from(payments).where(eq(payments.mpesaReceipt, receipt));
  return other && other.id !== paymentId ? `Receipt ${receipt} was already used by another payment.` : null;
}

function successProblem(amountMinor: number, phone: string | null, cb: StkCallback): string | null {
  if (cb.amountMinor === null) return 'Success callback without an Amount.';
  if (cb.amountMinor !== amountMinor) return `Callback amount ${cb.amountMinor} differs from requested ${amountMinor}.`;
  if (!cb.receipt) return 'Success callback without an M-Pesa receipt number.';
  if (phone && cb.phone && cb.phone !== phone) return `Paid from ${cb.phone}, prompted ${phone}.`;
  return null;
}
