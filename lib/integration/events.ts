// The outbox of integration events. emitEvent is called inside the transaction of the change it
// describes (a payment outcome, a processed refund, a policy upsert): the event row and its fan-out
// job commit with the change or not at all, so no event is lost and none describes a rolled-back
// change. Delivery to the endpoints happens later, in jobs (delivery.ts).
import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { integrationEvents } from '@/db/integration-schema';
import { payments, policies, type Payment, type Refund } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';
import { paymentObject, refundObject } from './objects';
import type { WebhookEventType } from './scopes';

export const WEBHOOK_FANOUT_JOB = 'webhooks.fanout';

export type NewEvent = { type: WebhookEventType; data: Record<string, unknown> };

/** Writes events (one statement) and one job that fans them out to the subscribed endpoints. */
export async function emitEvents(tx: Queryable, events: NewEvent[]): Promise<string[]> {
  if (!events.length) return [];
  const rows = await tx.insert(integrationEvents).values(events).returning({ id: integrationEvents.id });
  const ids = rows.map((r) => r.id);
  await enqueueJob(tx, { kind: WEBHOOK_FANOUT_JOB, key: `${WEBHOOK_FANOUT_JOB}:${ids[0]}`, payload: { eventIds: ids } });
  return ids;
}

export async function emitEvent(tx: Queryable, type: WebhookEventType, data: Record<string, unknown>): Promise<string> {
  return (await emitEvents(tx, [{ type, data }]))[0];
}

async function policyNumber(tx: Queryable, policyId: string): Promise<string> {
  const [row] = await tx.select({ number: policies.number }).from(policies).where(eq(policies.id, policyId));
  return row?.number ?? '';
}

/** A payment outcome (lib/payments/core/outcomes.ts), with the payment as the API shows it. */
export async function emitPaymentEvent(tx: Queryable, type: 'payment.completed' | 'payment.failed' | 'payment.review', payment: Payment) {
  return emitEvent(tx, type, paymentObject(payment, await policyNumber(tx, payment.policyId)));
}

/** A refund whose money has gone back (lib/refunds/status.ts). */
export async function emitRefundProcessed(tx: Queryable, refund: Refund) {
  const [row] = await tx.select({ number: policies.number }).from(payments).innerJoin(policies, eq(policies.id, payments.policyId)).where(eq(payments.id, refund.paymentId));
  return emitEvent(tx, 'refund.processed', refundObject(refund, row?.number ?? ''));
}
