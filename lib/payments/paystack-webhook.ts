// Paystack's webhook: verify the signature over the raw bytes before anything else, store the
// raw body, then apply it idempotently. Unknown events are stored and acknowledged.
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { gatewayEvents, payments } from '@/db/schema';
import { parsePaystackWebhook } from '@/lib/gateways/paystack/schemas';
import { verifyPaystackSignature } from '@/lib/gateways/paystack/signature';
import { log } from '@/lib/log';
import { metrics } from '@/lib/metrics';
import { applyPaystackRefundEvent } from '@/lib/refunds/paystack-refund-events';
import { applyPaystackTransaction } from './paystack-apply';

export type WebhookAnswer = { status: number; body: Record<string, unknown>; outcome: string };

/** Receives one webhook: logged with its request id, payment and outcome, and counted. */
export async function handlePaystackWebhook(
  db: Db,
  args: { secretKey: string; rawBody: string; signature: string | null; requestId?: string },
): Promise<WebhookAnswer> {
  const started = performance.now();
  const requestId = args.requestId ?? crypto.randomUUID();
  const answer = await receivePaystackWebhook(db, args).catch((err) => {
    metrics.callbacksReceived.inc({ gateway: 'paystack', outcome: 'error' });
    log.error({ requestId, gateway: 'paystack', event: 'webhook.received', outcome: 'error', err }, 'Paystack webhook could not be applied');
    throw err;
  });
  const seconds = (performance.now() - started) / 1000;
  metrics.callbacksReceived.inc({ gateway: 'paystack', outcome: answer.outcome });
  metrics.callbackHandling.observe({ gateway: 'paystack' }, seconds);
  if (answer.eventId !== undefined) {
    // Applied before answering: receipt to result is the handling time.
    metrics.applied.inc({ gateway: 'paystack', outcome: answer.outcome });
    metrics.applyLatency.observe({ gateway: 'paystack' }, seconds);
  }
  log[answer.status >= 400 ? 'warn' : 'info'](
    { requestId, paymentId: answer.paymentId, gateway: 'paystack', event: 'webhook.received', kind: answer.kind, outcome: answer.outcome, status: answer.status, eventId: answer.eventId, durationMs: Math.round(seconds * 1000) },
    'Paystack webhook received',
  );
  return { status: answer.status, body: answer.body, outcome: answer.outcome };
}

async function receivePaystackWebhook(
  db: Db,
  args: { secretKey: string; rawBody: string; signature: string | null },
): Promise<WebhookAnswer & { eventId?: number; paymentId?: string; kind?: string }> {
  if (!verifyPaystackSignature(args.rawBody, args.signature, args.secretKey)) {
    return { status: 401, body: { error: 'invalid signature' }, outcome: 'bad_signature' };
  }
  const parsed = parsePaystackWebhook(args.rawBody);
  let payload: unknown = null;
  try {
    payload = JSON.parse(args.rawBody);
  } catch {}
  const reference = parsed?.kind === 'charge.success' ? parsed.data.reference : parsed?.kind === 'refund' ? parsed.data.transaction_reference : null;
  const [payment] = reference
    ? await db.select({ id: payments.id }).from(payments).where(eq(payments.paystackReference, reference))
    : [];
  const [event] = await db
    .insert(gatewayEvents)
    .values({
      source: 'paystack',
      kind: parsed?.event ?? 'unparseable',
      dedupeKey: `paystack:${crypto.createHash('sha256').update(args.rawBody).digest('hex')}`,
      paymentId: payment?.id,
      raw: args.rawBody,
      payload,
    })
    .onConflictDoUpdate({ target: gatewayEvents.dedupeKey, set: { dedupeKey: gatewayEvents.dedupeKey } })
    .returning({ id: gatewayEvents.id });

  let outcome: string;
  let status = 200;
  if (!parsed) {
    outcome = payload === null ? 'malformed_json' : 'invalid_shape';
    status = 400;
  } else if (parsed.kind === 'charge.success') {
    outcome = await applyPaystackTransaction(db, parsed.data, 'webhook');
  } else if (parsed.kind === 'refund') {
    outcome = await applyPaystackRefundEvent(db, parsed.event, parsed.data);
  } else {
    outcome = 'ignored';
  }
  await db.update(gatewayEvents).set({ processedAt: new Date(), outcome }).where(eq(gatewayEvents.id, event.id));
  return { status, body: status === 200 ? { received: true } : { error: outcome }, outcome, eventId: event.id, paymentId: payment?.id, kind: parsed?.event };
}
