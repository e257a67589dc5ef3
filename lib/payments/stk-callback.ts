// A Daraja STK callback in two steps. Receiving: authenticate the URL, store the raw bytes and
// queue their application in one statement, wake a worker, answer. Applying (a job): run the
// result through the state machine. Receiving answers in one round trip however busy the ledger
// is, and a callback that was answered is durable: a crash before it is applied only delays it.
// Both steps are safe to run any number of times, concurrently, for the same body.
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db, type Queryable, type Tx } from '@/db/client';
import { gatewayEvents, jobs, payments } from '@/db/schema';
import { describeResultCode } from '@/lib/gateways/daraja/result-codes';
import { parseStkCallback, type StkCallback } from '@/lib/gateways/daraja/schemas';
import { URGENT } from '@/lib/jobs/queue';
import { runDueJobs, wakeWorkers, type JobHandler } from '@/lib/jobs/worker';
import { log } from '@/lib/log';
import { metrics, secondsSince } from '@/lib/metrics';
import { isUuid } from '@/lib/policies';
import { verifyCallbackToken } from './callback-token';
import { closeUnpaid, completePayment, holdForReview } from './outcomes';
import { lockPayment } from './transition';

export const DARAJA_ACK = { ResultCode: 0, ResultDesc: 'Accepted' } as const;
export const APPLY_STK_CALLBACK_JOB = 'payments.apply-stk-callback';

export type CallbackAnswer = {
  status: number;
  body: Record<string, unknown>;
  outcome: string;
  /** The stored event still to be applied (absent for a duplicate or a rejected body). */
  eventId?: number;
};

/** Receives one callback: logged (with its request id, which its apply job inherits) and counted. */
export async function handleStkCallback(
  db: Db,
  args: { paymentId: string; token: string; rawBody: string; requestId?: string },
): Promise<CallbackAnswer> {
  const started = performance.now();
  const requestId = args.requestId ?? crypto.randomUUID();
  const answer = await receiveStkCallback(db, { ...args, requestId }).catch((err) => {
    metrics.callbacksReceived.inc({ gateway: 'daraja', outcome: 'error' });
    log.error({ requestId, paymentId: args.paymentId, gateway: 'daraja', event: 'callback.received', outcome: 'error', err }, 'STK callback could not be stored');
    throw err;
  });
  const durationMs = Math.round(performance.now() - started);
  metrics.callbacksReceived.inc({ gateway: 'daraja', outcome: answer.outcome });
  metrics.callbackHandling.observe({ gateway: 'daraja' }, durationMs / 1000);
  log[answer.status >= 400 ? 'warn' : 'info'](
    { requestId, paymentId: isUuid(args.paymentId) ? args.paymentId : undefined, gateway: 'daraja', event: 'callback.received', outcome: answer.outcome, status: answer.status, eventId: answer.eventId, durationMs },
    'STK callback received',
  );
  return answer;
}

async function receiveStkCallback(
  db: Db,
  args: { paymentId: string; token: string; rawBody: string; requestId: string },
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
  const valid = !!parsed?.ok;
  const event = {
    dedupeKey: `stk_callback:${crypto.createHash('sha256').update(args.rawBody).digest('hex')}`,
    raw: args.rawBody,
    payload: malformed ? null : json,
    // A body we cannot read is kept for staff but is never applied.
    rejected: valid ? null : malformed ? 'malformed_json' : 'invalid_shape',
  };
  let stored: { eventId: number | null };
  try {
    stored = await storeCallback(db, { ...event, requestId: args.requestId, paymentId: args.paymentId, receipt: parsed?.ok ? parsed.value.receipt : null });
  } catch (err) {
    // A genuine token for a payment this database does not have (e.g. restored backup): keep
    // the bytes anyway, unattached, rather than lose them or answer 500.
    if ((err as { cause?: { code?: string }; code?: string }).cause?.code !== '23503' && (err as { code?: string }).code !== '23503') throw err;
    await storeCallback(db, { ...event, requestId: args.requestId, paymentId: null, receipt: null, rejected: event.rejected ?? 'unknown_payment' });
    if (valid) return { status: 200, body: DARAJA_ACK, outcome: 'unknown_payment' };
    stored = { eventId: null };
  }
  if (!valid) return { status: 400, body: { ResultCode: 1, ResultDesc: 'Rejected: malformed callback' }, outcome: 'malformed' };
  if (stored.eventId !== null) await wakeWorkers(db);
  return stored.eventId === null
    ? { status: 200, body: DARAJA_ACK, outcome: 'duplicate' }
    : { status: 200, body: DARAJA_ACK, outcome: 'queued', eventId: stored.eventId };
}

/**
 * One statement, one commit: the raw event and the job that applies it. A body seen before (same
 * bytes) stores and queues nothing: its first copy's job applies it.
 */
async function storeCallback(
  db: Queryable,
  e: { dedupeKey: string; requestId: string; paymentId: string | null; receipt: string | null; raw: string; payload: unknown; rejected: string | null },
): Promise<{ eventId: number | null }> {
  const payload = e.payload === null ? null : JSON.stringify(e.payload);
  const result = await db.execute(sql`
    with ev as (
      insert into ${gatewayEvents} (source, kind, dedupe_key, payment_id, raw, payload, processed_at, outcome)
      values ('daraja', 'stk_callback', ${e.dedupeKey}, ${e.paymentId}, ${e.raw}, ${payload}::jsonb,
              ${e.rejected === null ? null : sql`now()`}, ${e.rejected})
      on conflict (dedupe_key) do nothing
      returning id
    ), job as (
      insert into ${jobs} (kind, key, payload, priority)
      select ${APPLY_STK_CALLBACK_JOB}, ${APPLY_STK_CALLBACK_JOB} || ':' || id,
             jsonb_build_object('eventId', id, 'paymentId', ${e.paymentId}::uuid, 'receipt', ${e.receipt}::text, 'requestId', ${e.requestId}::text), ${URGENT}
      from ev where ${e.rejected === null}
      returning id
    )
    select ev.id, (select count(*) from job) as queued from ev`);
  const [row] = rowsOf<{ id: unknown; queued: unknown }>(result);
  return { eventId: row && Number(row.queued) > 0 ? Number(row.id) : null };
}

export const stkCallbackJobHandlers: Record<string, JobHandler> = {
  [APPLY_STK_CALLBACK_JOB]: async (db, job) => {
    const started = performance.now();
    const payload = job.payload as { eventId?: unknown; requestId?: unknown };
    const outcome = await applyStkCallbackEvent(db, Number(payload.eventId), job.id, hintsOf(job.payload));
    log.info(
      { requestId: typeof payload.requestId === 'string' ? payload.requestId : undefined, paymentId: hintsOf(job.payload)?.paymentId, gateway: 'daraja', event: 'callback.applied', eventId: Number(payload.eventId), jobId: job.id, outcome, durationMs: Math.round(performance.now() - started) },
      'STK callback applied',
    );
    return { done: true, finished: true, note: outcome };
  },
};

type Hints = { paymentId: string; receipt: string | null };

/** What the receiving side already knew (payment id, receipt): lets the apply send its reads at once. */
function hintsOf(payload: unknown): Hints | undefined {
  const p = payload as { paymentId?: unknown; receipt?: unknown };
  return typeof p.paymentId === 'string' ? { paymentId: p.paymentId, receipt: typeof p.receipt === 'string' ? p.receipt : null } : undefined;
}

/** Applies every queued callback now (tests, and anything that must not wait for a worker). */
export async function applyQueuedStkCallbacks(db: Db): Promise<number> {
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = await runDueJobs(db, stkCallbackJobHandlers, 50, [APPLY_STK_CALLBACK_JOB]);
  return total;
}

/**
 * The job: applies a stored callback once. The event is marked and the job (if given) deleted in
 * the same transaction as the payment's change, so a crash leaves either all of it or none.
 */
export async function applyStkCallbackEvent(db: Db, eventId: number, jobId?: number, hints?: Hints): Promise<string> {
  const timing: { receivedAt?: Date; pushedAt?: Date; paymentId?: string | null } = {};
  const outcome = await db.transaction(async (tx) => {
    // With the hints, the event, the payment's lock and the receipt lookup go out in one flight
    // (run in this order on the transaction's connection); the payment row is then cached.
    const [[event], , receiptOwner] = await Promise.all([
      tx
        .select({ paymentId: gatewayEvents.paymentId, payload: gatewayEvents.payload, processedAt: gatewayEvents.processedAt, receivedAt: gatewayEvents.receivedAt })
        .from(gatewayEvents)
        .where(eq(gatewayEvents.id, eventId))
        .for('update'),
      hints ? lockPayment(tx, hints.paymentId) : null,
      hints ? receiptHolder(tx, hints.receipt) : null,
    ]);
    const parsed = event && !event.processedAt ? parseStkCallback(event.payload) : null;
    const known = hints && parsed?.ok && parsed.value.receipt === hints.receipt ? { owner: receiptOwner ?? null } : undefined;
    const outcome = !event
      ? 'unknown_event'
      : event.processedAt
        ? 'already_applied'
        : event.paymentId && parsed?.ok
          ? await applyStkResult(tx, event.paymentId, parsed.value, known)
          : 'invalid_shape';
    if (event && !event.processedAt && event.paymentId) {
      // Already locked and cached by the apply: no extra query.
      timing.pushedAt = (await lockPayment(tx, event.paymentId))?.createdAt;
      timing.receivedAt = new Date(event.receivedAt);
      timing.paymentId = event.paymentId;
    }
    await tx.execute(sql`
      with done as (delete from ${jobs} where id = ${jobId ?? null}::bigint)
      update ${gatewayEvents} set processed_at = now(), outcome = ${outcome}
      where id = ${eventId} and processed_at is null`);
    return outcome;
  });
  // Counted after the commit, so a rolled-back attempt is not counted twice.
  metrics.applied.inc({ gateway: 'daraja', outcome });
  if (timing.receivedAt) {
    metrics.applyLatency.observe({ gateway: 'daraja' }, secondsSince(timing.receivedAt));
    if (timing.pushedAt && FINAL_RESULTS.has(outcome)) {
      metrics.stkPushToResult.observe({ result: outcome.replace(/_late$/, '') }, (+timing.receivedAt - +timing.pushedAt) / 1000);
    }
  }
  return outcome;
}

/** Outcomes that settle a prompt (a result the payer caused), for the push-to-result timing. */
const FINAL_RESULTS = new Set(['completed', 'completed_late', 'failed', 'cancelled', 'expired', 'held_for_review']);

/** Applies one callback's result to its payment, inside the caller's transaction. Returns what happened. */
export async function applyStkResult(
  tx: Tx,
  paymentId: string,
  cb: StkCallback,
  /** Who holds cb.receipt, if the caller already looked it up under this transaction's lock. */
  known?: { owner: string | null },
): Promise<string> {
  // The lock and the receipt lookup go out together; the lookup runs once the lock is held.
  const [payment, receiptOwner] = await Promise.all([lockPayment(tx, paymentId), known ? known.owner : receiptHolder(tx, cb.receipt)]);
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
      successProblem(payment.amountMinor, payment.phone, cb) ??
      (receiptOwner && receiptOwner !== paymentId ? `Receipt ${cb.receipt} was already used by another payment.` : null);
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
}

/** Which payment already carries this M-Pesa receipt number, if any. */
async function receiptHolder(tx: Tx, receipt: string | null): Promise<string | null> {
  if (!receipt) return null;
  const [other] = await tx.select({ id: payments.id }).from(payments).where(eq(payments.mpesaReceipt, receipt));
  return other?.id ?? null;
}

function successProblem(amountMinor: number, phone: string | null, cb: StkCallback): string | null {
  if (cb.amountMinor === null) return 'Success callback without an Amount.';
  if (cb.amountMinor !== amountMinor) return `Callback amount ${cb.amountMinor} differs from requested ${amountMinor}.`;
  if (!cb.receipt) return 'Success callback without an M-Pesa receipt number.';
  if (phone && cb.phone && cb.phone !== phone) return `Paid from ${cb.phone}, prompted ${phone}.`;
  return null;
}
