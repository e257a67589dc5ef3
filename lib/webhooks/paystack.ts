// Paystack's signed webhook, above payments and refunds (neither imports the other): verify the
// signature over the raw bytes before anything else, store the raw body and queue its application
// in one statement, answer at once (Paystack retries a 5xx for 72 hours, docs/paystack.md §10).
// The worker then dispatches: charge.success to the payment core, refund.* to refunds.
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '@/db/client';
import { gatewayEvents } from '@/db/schema';
import { parsePaystackWebhook } from '@/lib/gateways/paystack/schemas';
import { verifyPaystackSignature } from '@/lib/gateways/paystack/signature';
import { runDueJobs, wakeWorkers, type JobHandler } from '@/lib/jobs/worker';
import { log } from '@/lib/log';
import { metrics } from '@/lib/metrics';
import { bodyDedupeKey, finishReceivedEvent, receiveGatewayMessage } from '@/lib/payments/core/gateway-events';
import { paymentIdForPaystackReference } from '@/lib/payments/core/open-payment';
import { applyChargeEvent } from '@/lib/payments/pay-by-card';
import { applyQueuedStkCallbacks, requestIdOf } from '@/lib/payments/pay-by-mpesa';
import { applyPaystackRefundEvent } from '@/lib/refunds/paystack-refund-events';

export const APPLY_PAYSTACK_WEBHOOK_JOB = 'webhooks.apply-paystack';

export type WebhookAnswer = { status: number; body: Record<string, unknown>; outcome: string };

/** Receives one webhook: logged with its request id (which its apply job inherits), and counted. */
export async function handlePaystackWebhook(
  db: Db,
  args: { secretKey: string; rawBody: string; signature: string | null; requestId?: string },
): Promise<WebhookAnswer> {
  const started = performance.now();
  const requestId = args.requestId ?? crypto.randomUUID();
  const answer = await receivePaystackWebhook(db, { ...args, requestId }).catch((err) => {
    metrics.callbacksReceived.inc({ gateway: 'paystack', outcome: 'error' });
    log.error({ requestId, gateway: 'paystack', event: 'webhook.received', outcome: 'error', err }, 'Paystack webhook could not be stored');
    throw err;
  });
  const durationMs = Math.round(performance.now() - started);
  metrics.callbacksReceived.inc({ gateway: 'paystack', outcome: answer.outcome });
  metrics.callbackHandling.observe({ gateway: 'paystack' }, durationMs / 1000);
  log[answer.status >= 400 ? 'warn' : 'info'](
    { requestId, gateway: 'paystack', event: 'webhook.received', kind: answer.kind, outcome: answer.outcome, status: answer.status, durationMs },
    'Paystack webhook received',
  );
  return { status: answer.status, body: answer.body, outcome: answer.outcome };
}

async function receivePaystackWebhook(
  db: Db,
  args: { secretKey: string; rawBody: string; signature: string | null; requestId: string },
): Promise<WebhookAnswer & { kind?: string }> {
  if (!verifyPaystackSignature(args.rawBody, args.signature, args.secretKey)) {
    return { status: 401, body: { error: 'invalid signature' }, outcome: 'bad_signature' };
  }
  let payload: unknown = null;
  try {
    payload = JSON.parse(args.rawBody);
  } catch {}
  const parsed = parsePaystackWebhook(args.rawBody);
  const reference = parsed?.kind === 'charge.success' ? parsed.data.reference : parsed?.kind === 'refund' ? parsed.data.transaction_reference : null;
  const rejected = !parsed ? (payload === null ? 'malformed_json' : 'invalid_shape') : parsed.kind === 'unknown' ? 'ignored' : null;
  const stored = await receiveGatewayMessage(db, {
    source: 'paystack',
    kind: parsed?.event ?? 'unparseable',
    dedupeKey: bodyDedupeKey('paystack', args.rawBody),
    paymentId: reference ? await paymentIdForPaystackReference(db, reference) : null,
    raw: args.rawBody,
    payload,
    rejected,
    job: { kind: APPLY_PAYSTACK_WEBHOOK_JOB, payload: { requestId: args.requestId } },
  });
  const kind = parsed?.event ?? 'unparseable';
  if (!parsed) return { status: 400, body: { error: rejected }, outcome: rejected!, kind };
  if (stored.eventId !== null) await wakeWorkers(db);
  return { status: 200, body: { received: true }, outcome: stored.eventId === null ? (rejected ?? 'duplicate') : 'queued', kind };
}

/** The job: one stored webhook, dispatched by its event. */
export async function applyPaystackWebhookEvent(db: Db, eventId: number, job: { id?: number; requestId?: string } = {}): Promise<string> {
  const [row] = rowsOf<{ raw: string }>(await db.execute(sql`select raw from ${gatewayEvents} where id = ${eventId}`));
  const parsed = row ? parsePaystackWebhook(row.raw) : null;
  if (parsed?.kind === 'charge.success') return applyChargeEvent(db, eventId, job, parsed.data);
  // Refund events move refunds in their own transactions and are idempotent (forward-only moves).
  const outcome = parsed?.kind === 'refund' ? await applyPaystackRefundEvent(db, parsed.event, parsed.data) : 'invalid_shape';
  await finishReceivedEvent(db, eventId, job, outcome);
  return outcome;
}

export const paystackWebhookJobHandlers: Record<string, JobHandler> = {
  [APPLY_PAYSTACK_WEBHOOK_JOB]: async (db, job) => ({
    done: true,
    finished: true,
    note: await applyPaystackWebhookEvent(db, Number((job.payload as { eventId?: unknown }).eventId), { id: job.id, requestId: requestIdOf(job.payload) }),
  }),
};

/** Applies every queued gateway message now (tests, and anything that must not wait for a worker). */
export async function applyQueuedGatewayMessages(db: Db): Promise<number> {
  let total = await applyQueuedStkCallbacks(db);
  for (let n = -1; n !== 0; total += n) n = await runDueJobs(db, paystackWebhookJobHandlers, 50, [APPLY_PAYSTACK_WEBHOOK_JOB]);
  return total;
}
