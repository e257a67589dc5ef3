// Paying by M-Pesa (STK Push), end to end: start a payment, receive Daraja's callback, apply it,
// and ask STK Query when no callback came. Glue only: the adapter (mpesa/adapter.ts) says what a
// wire message means, the core (core/) records it and moves the payment.
import type { Db } from '@/db/client';
import type { Payment } from '@/db/schema';
import type { StkPushResult, StkQueryResult } from '@/lib/gateways/daraja/client';
import { parseStkCallback } from '@/lib/gateways/daraja/schemas';
import { runDueJobs, wakeWorkers, type JobHandler } from '@/lib/jobs/worker';
import { log } from '@/lib/log';
import { normalizeKenyanPhone } from '@/lib/phone';
import { isUuid } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { applyReceivedEvent, bodyDedupeKey, receiveDarajaCallback, receiveGatewayMessage, recordGatewayEvent } from './core/gateway-events';
import { attachToGateway, loadPayment, openPayment } from './core/open-payment';
import type { GatewayCheck } from './core/sweep';
import { applyVerdict, settle } from './core/verdict';
import { failedPushVerdict, mpesaAmountProblem, stkAccountReference, stkCallbackVerdict, stkQueryVerdict } from './mpesa/adapter';
import { verifyCallbackToken } from './mpesa/callback-token';

export type StkPusher = {
  stkPush(input: { phone: string; amountKes: number; accountReference: string; description: string; callbackUrl: string }): Promise<StkPushResult>;
};

export type InitiateResult =
  | { ok: true; payment: Payment; existing: boolean }
  | {
      ok: false;
      /** in_progress: another M-Pesa payment is still waiting on this policy (`payment`). */
      code: 'invalid' | 'not_found' | 'gateway' | 'rate_limited' | 'in_progress';
      error: string;
      payment?: Payment;
      /** gateway only: we cannot tell whether a prompt reached the phone (timeout, 5xx). */
      outcomeUnknown?: boolean;
    };

export { REPLACED_CODE } from './core/open-payment';

export async function initiateMpesaPayment(
  db: Db,
  deps: { daraja: StkPusher; callbackUrlFor: (paymentId: string) => string },
  viewer: Viewer,
  input: { policyId: string; amountMinor: number; phone: string; replacePaymentId?: string },
): Promise<InitiateResult> {
  const problem = mpesaAmountProblem(input.amountMinor);
  if (problem) return { ok: false, code: 'invalid', error: problem };
  const phone = normalizeKenyanPhone(input.phone);
  if (!phone.ok) return { ok: false, code: 'invalid', error: phone.error };
  const opened = await openPayment(db, viewer, {
    policyId: input.policyId,
    method: 'mpesa',
    amountMinor: input.amountMinor,
    phone: phone.msisdn,
    startedAs: 'M-Pesa payment started',
    replacePaymentId: input.replacePaymentId,
  });
  if (!opened.ok) return opened;
  if (opened.existing) return { ok: true, payment: opened.payment, existing: true };

  const { payment } = opened;
  const pushStarted = performance.now();
  const push = await deps.daraja.stkPush({
    phone: payment.phone!,
    amountKes: payment.amountMinor / 100,
    accountReference: stkAccountReference(opened.policyNumber),
    description: 'Premium',
    callbackUrl: deps.callbackUrlFor(payment.id),
  });
  log[push.ok ? 'info' : 'warn'](
    { event: 'payment.stk_push', paymentId: payment.id, gateway: 'daraja', outcome: push.ok ? 'accepted' : push.kind, code: push.ok ? undefined : push.code, amountMinor: payment.amountMinor, durationMs: Math.round(performance.now() - pushStarted) },
    'STK push sent',
  );
  await recordGatewayEvent(db, {
    source: 'daraja',
    kind: 'stk_push_response',
    dedupeKey: `stk_push_response:${payment.id}`,
    paymentId: payment.id,
    answer: push,
    outcome: push.ok ? 'accepted' : push.kind,
  });
  if (push.ok) {
    const ids = { merchantRequestId: push.merchantRequestId, checkoutRequestId: push.checkoutRequestId };
    return { ok: true, payment: await attachToGateway(db, payment.id, ids), existing: false };
  }
  await settle(db, payment.id, failedPushVerdict(push));
  return {
    ok: false,
    code: 'gateway',
    error: push.message,
    payment: (await loadPayment(db, payment.id)) ?? payment,
    outcomeUnknown: push.kind === 'unknown',
  };
}

// ---------------------------------------------------------------------------------------------
// Daraja's callback (docs/daraja.md §6.5, §9): unsigned, sent once or never. Each payment has its
// own URL with an unguessable token. Received: stored and queued in one statement, answered at
// once; applied by a worker.

export const DARAJA_ACK = { ResultCode: 0, ResultDesc: 'Accepted' } as const;
export const APPLY_STK_CALLBACK_JOB = 'payments.apply-stk-callback';

export type CallbackAnswer = { status: number; body: Record<string, unknown>; outcome: string; eventId?: number };

/** Receives one callback: logged (with its request id, which its apply job inherits) and counted. */
export async function handleStkCallback(
  db: Db,
  args: { paymentId: string; token: string; rawBody: string; requestId?: string },
): Promise<CallbackAnswer> {
  const requestId = args.requestId ?? crypto.randomUUID();
  const fields = { paymentId: isUuid(args.paymentId) ? args.paymentId : undefined };
  return receiveDarajaCallback('STK callback', fields, requestId, () => receiveStkCallback(db, { ...args, requestId }));
}

async function receiveStkCallback(db: Db, args: { paymentId: string; token: string; rawBody: string; requestId: string }): Promise<CallbackAnswer> {
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
  const valid = !malformed && parseStkCallback(json).ok;
  const message = {
    source: 'daraja' as const,
    kind: 'stk_callback',
    dedupeKey: bodyDedupeKey('stk_callback', args.rawBody),
    raw: args.rawBody,
    payload: malformed ? null : json,
    // A body we cannot read is kept for staff but is never applied.
    rejected: valid ? null : malformed ? 'malformed_json' : 'invalid_shape',
    job: { kind: APPLY_STK_CALLBACK_JOB, payload: { paymentId: args.paymentId, requestId: args.requestId } },
  };
  let stored: { eventId: number | null };
  try {
    stored = await receiveGatewayMessage(db, { ...message, paymentId: args.paymentId });
  } catch (err) {
    // A genuine token for a payment this database does not have (e.g. a restored backup): keep
    // the bytes anyway, unattached, rather than lose them or answer 500.
    if (!isForeignKeyViolation(err)) throw err;
    await receiveGatewayMessage(db, { ...message, paymentId: null, rejected: message.rejected ?? 'unknown_payment' });
    if (valid) return { status: 200, body: DARAJA_ACK, outcome: 'unknown_payment' };
    stored = { eventId: null };
  }
  if (!valid) return { status: 400, body: { ResultCode: 1, ResultDesc: 'Rejected: malformed callback' }, outcome: 'malformed' };
  if (stored.eventId === null) return { status: 200, body: DARAJA_ACK, outcome: 'duplicate' };
  await wakeWorkers(db);
  return { status: 200, body: DARAJA_ACK, outcome: 'queued', eventId: stored.eventId };
}

function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === '23503' || e.cause?.code === '23503';
}

/** The job: applies a stored callback once (the event is marked and the job deleted in the same transaction). */
export function applyStkCallbackEvent(db: Db, eventId: number, job: { id?: number; requestId?: string } = {}): Promise<string> {
  return applyReceivedEvent(db, eventId, job, async (tx, event) => {
    const parsed = parseStkCallback(event.payload);
    if (!event.paymentId || !parsed.ok) return 'invalid_shape';
    return applyVerdict(tx, event.paymentId, (payment) => stkCallbackVerdict(parsed.value, payment));
  });
}

export const stkCallbackJobHandlers: Record<string, JobHandler> = {
  [APPLY_STK_CALLBACK_JOB]: async (db, job) => ({
    done: true,
    finished: true,
    note: await applyStkCallbackEvent(db, Number((job.payload as { eventId?: unknown }).eventId), { id: job.id, requestId: requestIdOf(job.payload) }),
  }),
};

/** The id of the request that delivered a queued message, for its apply job's log line. */
export function requestIdOf(payload: unknown): string | undefined {
  const id = (payload as { requestId?: unknown }).requestId;
  return typeof id === 'string' ? id : undefined;
}

/** Applies every queued callback now (tests, and anything that must not wait for a worker). */
export async function applyQueuedStkCallbacks(db: Db): Promise<number> {
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = await runDueJobs(db, stkCallbackJobHandlers, 50, [APPLY_STK_CALLBACK_JOB]);
  return total;
}

/** STK Query for the sweep and the re-check: the answer, and what it means for this payment. */
export function mpesaCheck(daraja: { stkQuery(checkoutRequestId: string): Promise<StkQueryResult> }): GatewayCheck {
  return async (payment) => {
    const answer = await daraja.stkQuery(payment.checkoutRequestId!);
    return { source: 'daraja', kind: 'stk_query', answer, verdict: stkQueryVerdict(answer, payment) };
  };
}
