// Every gateway message is stored raw before anything acts on it: one way to record an answer we
// asked for (push, initialize, charge, query, verify), and one way to receive a message a gateway
// sends us (callback, webhook): stored together with the job that applies it, in one statement,
// so the sender can be answered at once and nothing acknowledged is ever lost.
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type Queryable, type Tx } from '@/db/client';
import { gatewayEvents, jobs } from '@/db/schema';
import { URGENT } from '@/lib/jobs/queue';
import { log } from '@/lib/log';
import { metrics, secondsSince } from '@/lib/metrics';
import { lockPayment } from './transition';

export type GatewaySource = 'daraja' | 'paystack';

/** A message's identity is its exact bytes: a resend of the same body is the same event. */
export function bodyDedupeKey(prefix: string, raw: string): string {
  return `${prefix}:${crypto.createHash('sha256').update(raw).digest('hex')}`;
}

/** An answer to a call we made, kept as it came (already acted on by the caller: processed). */
export async function recordGatewayEvent(
  db: Queryable,
  e: { source: GatewaySource; kind: string; dedupeKey: string; paymentId: string | null; answer: unknown; outcome: string },
): Promise<void> {
  await db
    .insert(gatewayEvents)
    .values({
      source: e.source,
      kind: e.kind,
      dedupeKey: e.dedupeKey,
      paymentId: e.paymentId,
      raw: JSON.stringify(e.answer),
      payload: e.answer,
      processedAt: new Date(),
      outcome: e.outcome,
    })
    .onConflictDoNothing();
}

export type IncomingMessage = {
  source: GatewaySource;
  kind: string;
  dedupeKey: string;
  paymentId: string | null;
  raw: string;
  /** The parsed JSON, or null when the body is not JSON. */
  payload: unknown;
  /** Why it will never be applied (kept for staff), or null to queue it. */
  rejected: string | null;
  job: { kind: string; payload: Record<string, unknown> };
};

/**
 * One statement, one commit: the raw message and the job that applies it. A body seen before
 * stores and queues nothing (its first copy's job applies it): eventId is then null.
 */
export async function receiveGatewayMessage(db: Queryable, m: IncomingMessage): Promise<{ eventId: number | null }> {
  const payload = m.payload === null ? null : JSON.stringify(m.payload);
  const result = await db.execute(sql`
    with ev as (
      insert into ${gatewayEvents} (source, kind, dedupe_key, payment_id, raw, payload, processed_at, outcome)
      values (${m.source}, ${m.kind}, ${m.dedupeKey}, ${m.paymentId}, ${m.raw}, ${payload}::jsonb,
              ${m.rejected === null ? null : sql`now()`}, ${m.rejected})
      on conflict (dedupe_key) do nothing
      returning id
    ), job as (
      insert into ${jobs} (kind, key, payload, priority)
      select ${m.job.kind}, ${m.job.kind} || ':' || id, ${JSON.stringify(m.job.payload)}::jsonb || jsonb_build_object('eventId', id), ${URGENT}
      from ev where ${m.rejected === null}
      returning id
    )
    select ev.id, (select count(*) from job) as queued from ev`);
  const [row] = rowsOf<{ id: unknown; queued: unknown }>(result);
  return { eventId: row && Number(row.queued) > 0 ? Number(row.id) : null };
}

/**
 * Receives one Daraja callback (STK or C2B): `receive` stores it; this logs it with its request id
 * (which its apply job inherits, so the two log lines join) and counts it. `fields` name it in the log.
 */
export async function receiveDarajaCallback<A extends { status: number; outcome: string; eventId?: number | null }>(
  what: string,
  fields: Record<string, unknown>,
  requestId: string,
  receive: () => Promise<A>,
): Promise<A> {
  const started = performance.now();
  const answer = await receive().catch((err) => {
    metrics.callbacksReceived.inc({ gateway: 'daraja', outcome: 'error' });
    log.error({ requestId, ...fields, gateway: 'daraja', event: 'callback.received', outcome: 'error', err }, `${what} could not be stored`);
    throw err;
  });
  const durationMs = Math.round(performance.now() - started);
  metrics.callbacksReceived.inc({ gateway: 'daraja', outcome: answer.outcome });
  metrics.callbackHandling.observe({ gateway: 'daraja' }, durationMs / 1000);
  log[answer.status >= 400 ? 'warn' : 'info'](
    { requestId, ...fields, gateway: 'daraja', event: 'callback.received', outcome: answer.outcome, status: answer.status, eventId: answer.eventId, durationMs },
    `${what} received`,
  );
  return answer;
}

export type StoredEvent = { id: number; paymentId: string | null; payload: unknown };

/**
 * Applies a received message once: the event is locked, applied, marked and its job deleted in one
 * transaction, so a crash leaves all of it or none, and a second run finds it already applied.
 */
export async function applyReceivedEvent(
  db: Db,
  eventId: number,
  job: { id?: number; requestId?: string },
  apply: (tx: Tx, event: StoredEvent) => Promise<string>,
): Promise<string> {
  const started = performance.now();
  const seen: { source?: string; receivedAt?: Date; paymentId?: string | null; openedAt?: Date } = {};
  const outcome = await db.transaction(async (tx) => {
    const rows = rowsOf<{ source: string; payment_id: string | null; payload: unknown; processed_at: unknown; received_at: unknown }>(
      await tx.execute(sql`select source, payment_id, payload, processed_at, received_at from ${gatewayEvents} where id = ${eventId} for update`),
    );
    const event = rows[0];
    const payload = typeof event?.payload === 'string' ? JSON.parse(event.payload) : event?.payload;
    const result = !event ? 'unknown_event' : event.processed_at ? 'already_applied' : await apply(tx, { id: eventId, paymentId: event.payment_id, payload });
    await tx.execute(sql`
      with done as (delete from ${jobs} where id = ${job.id ?? null}::bigint)
      update ${gatewayEvents} set processed_at = now(), outcome = ${result}
      where id = ${eventId} and processed_at is null`);
    if (event && !event.processed_at) {
      Object.assign(seen, { source: event.source, receivedAt: new Date(String(event.received_at)), paymentId: event.payment_id });
      // Already locked (and cached) by the apply: no extra query.
      if (event.payment_id) seen.openedAt = (await lockPayment(tx, event.payment_id))?.createdAt;
    }
    return result;
  });
  observeApplied(seen, outcome, { eventId, jobId: job.id, requestId: job.requestId, durationMs: Math.round(performance.now() - started) });
  return outcome;
}

/** Outcomes that settle a prompt (a result the payer caused), for the push-to-result timing. */
const FINAL_RESULTS = new Set(['completed', 'completed_late', 'failed', 'cancelled', 'expired', 'held_for_review']);

/** Counted and logged after the commit, so a rolled-back attempt is not counted twice. */
function observeApplied(
  seen: { source?: string; receivedAt?: Date; paymentId?: string | null; openedAt?: Date },
  outcome: string,
  ids: { eventId: number; jobId?: number; requestId?: string; durationMs: number },
) {
  const gateway = seen.source ?? 'unknown';
  metrics.applied.inc({ gateway, outcome });
  if (seen.receivedAt) metrics.applyLatency.observe({ gateway }, secondsSince(seen.receivedAt));
  if (gateway === 'daraja' && seen.receivedAt && seen.openedAt && FINAL_RESULTS.has(outcome)) {
    metrics.stkPushToResult.observe({ result: outcome.replace(/_late$/, '') }, (+seen.receivedAt - +seen.openedAt) / 1000);
  }
  log.info(
    { requestId: ids.requestId, paymentId: seen.paymentId ?? undefined, gateway, event: gateway === 'daraja' ? 'callback.applied' : 'webhook.applied', eventId: ids.eventId, jobId: ids.jobId, outcome, durationMs: ids.durationMs },
    'gateway message applied',
  );
}

/** Marks a received event applied (and deletes its job) when another module applied it in its own transactions. */
export async function finishReceivedEvent(db: Queryable, eventId: number, job: { id?: number; requestId?: string }, outcome: string): Promise<void> {
  const started = performance.now();
  await db.execute(sql`
    with done as (delete from ${jobs} where id = ${job.id ?? null}::bigint)
    update ${gatewayEvents} set processed_at = now(), outcome = ${outcome}
    where id = ${eventId} and processed_at is null`);
  observeApplied({ source: 'paystack' }, outcome, { eventId, jobId: job.id, requestId: job.requestId, durationMs: Math.round(performance.now() - started) });
}
