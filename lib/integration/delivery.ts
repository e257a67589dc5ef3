// Outbound webhook delivery, in jobs. Fan-out: each event becomes one delivery per enabled
// endpoint subscribed to its type. Delivery: POST the event, signed (signature.ts), 10 s timeout;
// 2xx is success, anything else (or no answer) is retried with exponential backoff for up to 3
// days. An endpoint that has failed for 3 days without one success is disabled and the
// administrators get an email. Every attempt is kept for the console's delivery log.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '@/db/client';
import { integrationEvents, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookEndpoint } from '@/db/integration-schema';
import { users } from '@/db/schema';
import { openSecret } from '@/lib/auth/two-factor/secret-box';
import { appOrigin, liveMode } from '@/lib/env';
import { publicOnlyFetch } from '@/lib/net/public-only';
import { enqueueJob } from '@/lib/jobs/queue';
import type { JobHandler, JobResult } from '@/lib/jobs/worker';
import { log } from '@/lib/log';
import { NOTIFY_DELIVER_JOB } from '@/lib/notifications/jobs';
import { queueMessage } from '@/lib/notifications/outbox';
import { WEBHOOK_FANOUT_JOB } from './events';
import { queueDelivery, WEBHOOK_DELIVER_JOB } from './endpoints';
import { SIGNATURE_HEADER, signatureHeader } from './signature';

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RETRY_FOR_MS = 3 * 24 * 3600_000;
const SNIPPET = 300;

export type DeliveryDeps = { fetch: typeof fetch; now: () => Date; timeoutMs: number; origin: () => string };
// In production, deliveries connect only to public addresses (no reaching into our own network).
const defaults: DeliveryDeps = { fetch: (...a) => (liveMode() ? publicOnlyFetch(...a) : fetch(...a)), now: () => new Date(), timeoutMs: DELIVERY_TIMEOUT_MS, origin: () => appOrigin() };

/** After the n-th failed attempt: 30 s doubling, at most 6 hours (about 20 attempts in 3 days). */
export function retryDelayMs(attempts: number): number {
  return Math.min(6 * 3600_000, 30_000 * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
}

/** WEBHOOK_DISABLE_AFTER_HOURS: failing this long without a success disables the endpoint (72). */
export function disableAfterMs(env: NodeJS.ProcessEnv = process.env) {
  const n = Number(env.WEBHOOK_DISABLE_AFTER_HOURS);
  return (Number.isFinite(n) && n > 0 ? n : 72) * 3600_000;
}

export async function fanOut(db: Db, eventIds: string[]): Promise<number> {
  if (!eventIds.length) return 0;
  return db.transaction(async (tx) => {
    const [events, endpoints] = await Promise.all([
      tx.select({ id: integrationEvents.id, type: integrationEvents.type }).from(integrationEvents).where(inArray(integrationEvents.id, eventIds)),
      tx.select({ id: webhookEndpoints.id, events: webhookEndpoints.events }).from(webhookEndpoints).where(isNull(webhookEndpoints.disabledAt)),
    ]);
    const pairs = events.flatMap((e) => endpoints.filter((ep) => ep.events.includes(e.type)).map((ep) => ({ endpointId: ep.id, eventId: e.id })));
    if (!pairs.length) return 0;
    const rows = await tx.insert(webhookDeliveries).values(pairs).onConflictDoNothing().returning({ id: webhookDeliveries.id });
    for (const r of rows) await queueDelivery(tx, r.id);
    return rows.length;
  });
}

/** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
function liveSecrets(ep: WebhookEndpoint, now: Date): string[] {
  const current = openSecret(ep.secret);
  const previous = ep.previousSecret && ep.previousSecretUntil && ep.previousSecretUntil > now ? openSecret(ep.previousSecret) : null;
  return [current, previous].filter((s): s is string => !!s);
}

type Outcome = { ok: boolean; httpStatus: number | null; durationMs: number; snippet: string | null; error: string | null };

async function post(deps: DeliveryDeps, url: string, body: string, signature: string, eventId: string): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await deps.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'Malipo-Webhooks/1', [SIGNATURE_HEADER]: signature, 'Malipo-Event-Id': eventId },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    const text = await res.text().catch(() => '');
    return { ok: res.status >= 200 && res.status < 300, httpStatus: res.status, durationMs: Math.round(performance.now() - started), snippet: text.slice(0, SNIPPET), error: null };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const error = timedOut ? `No answer within ${deps.timeoutMs / 1000} s.` : `Could not connect: ${err instanceof Error ? err.message : String(err)}`.slice(0, SNIPPET);
    return { ok: false, httpStatus: null, durationMs: Math.round(performance.now() - started), snippet: null, error };
  }
}

export async function deliver(db: Db, deliveryId: string, deps: DeliveryDeps = defaults): Promise<JobResult> {
  const now = deps.now();
  const [row] = await db
    .select({ d: webhookDeliveries, ep: webhookEndpoints, ev: integrationEvents })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .innerJoin(integrationEvents, eq(integrationEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row || row.d.status !== 'pending') return { done: true, note: 'nothing to deliver' };
  const { d, ep, ev } = row;
  if (ep.disabledAt) {
    await db.update(webhookDeliveries).set({ status: 'skipped', finishedAt: now }).where(eq(webhookDeliveries.id, d.id));
    return { done: true, note: 'endpoint disabled' };
  }
  const body = JSON.stringify({ id: ev.id, type: ev.type, created: Math.floor(ev.createdAt.getTime() / 1000), data: ev.data });
  const t = Math.floor(now.getTime() / 1000);
  const outcome = await post(deps, ep.url, body, signatureHeader(liveSecrets(ep, now), t, body), ev.id);
  const attempts = d.attempts + 1;
  log.info({ event: 'webhook.delivered', endpointId: ep.id, eventId: ev.id, eventType: ev.type, attempt: attempts, httpStatus: outcome.httpStatus, ok: outcome.ok, durationMs: outcome.durationMs }, 'webhook attempt');

  return db.transaction(async (tx): Promise<JobResult> => {
    await tx.insert(webhookAttempts).values({ deliveryId: d.id, at: now, httpStatus: outcome.httpStatus, durationMs: outcome.durationMs, responseSnippet: outcome.snippet, error: outcome.error });
    if (outcome.ok) {
      await tx.update(webhookDeliveries).set({ status: 'succeeded', attempts, finishedAt: now }).where(eq(webhookDeliveries.id, d.id));
      await tx.update(webhookEndpoints).set({ failingSince: null, consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, ep.id));
      return { done: true, note: `delivered (${outcome.httpStatus})` };
    }
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ failingSince: ep.failingSince ?? now, consecutiveFailures: ep.consecutiveFailures + 1 })
      .where(eq(webhookEndpoints.id, ep.id))
      .returning();
    const failingFor = now.getTime() - (endpoint.failingSince ?? now).getTime();
    if (!endpoint.disabledAt && failingFor >= disableAfterMs()) {
      const reason = `Every delivery failed for ${Math.round(failingFor / 3600_000)} hours (${endpoint.consecutiveFailures} attempts in a row).`;
      const [disabled] = await tx
        .update(webhookEndpoints)
        .set({ disabledAt: now, disabledReason: reason })
        .where(and(eq(webhookEndpoints.id, ep.id), isNull(webhookEndpoints.disabledAt)))
        .returning({ id: webhookEndpoints.id });
      if (disabled) await emailAdmins(tx, endpoint, reason, now, deps.origin());
      await tx.update(webhookDeliveries).set({ status: 'failed', attempts, finishedAt: now }).where(eq(webhookDeliveries.id, d.id));
      return { done: true, note: 'endpoint disabled after sustained failure' };
    }
    if (now.getTime() - d.createdAt.getTime() + retryDelayMs(attempts) > RETRY_FOR_MS) {
      await tx.update(webhookDeliveries).set({ status: 'failed', attempts, finishedAt: now }).where(eq(webhookDeliveries.id, d.id));
      return { done: true, note: 'gave up after 3 days' };
    }
    await tx.update(webhookDeliveries).set({ attempts }).where(eq(webhookDeliveries.id, d.id));
    return { done: false, retryAt: new Date(now.getTime() + retryDelayMs(attempts)), note: outcome.error ?? `answered ${outcome.httpStatus}` };
  });
}

async function emailAdmins(tx: Queryable, ep: WebhookEndpoint, reason: string, now: Date, origin: string) {
  const admins = await tx.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.role, 'admin'), isNull(users.deactivatedAt)));
  const text = [
    `Malipo stopped sending webhooks to ${ep.url}.`,
    '',
    reason,
    '',
    'Events since then are not lost: fix the receiver, enable the endpoint again and resend what it missed from its',
    `delivery log in the staff console: ${origin}/staff/integrations`,
  ].join('\n');
  for (const admin of admins) {
    const { id, created } = await queueMessage(tx, {
      dedupeKey: `webhook.disabled:${ep.id}:${now.getTime()}:${admin.id}`,
      userId: admin.id,
      toEmail: admin.email,
      kind: 'webhook_endpoint_disabled',
      subject: 'Webhook endpoint disabled after repeated failures',
      textBody: text,
    });
    if (created) await enqueueJob(tx, { kind: NOTIFY_DELIVER_JOB, key: `${NOTIFY_DELIVER_JOB}:${id}`, payload: { messageId: id } });
  }
}

const fanoutPayload = z.object({ eventIds: z.array(z.string()) });
const deliverPayload = z.object({ deliveryId: z.string() });

export function webhookJobHandlers(overrides: Partial<DeliveryDeps> = {}): Record<string, JobHandler> {
  const deps = { ...defaults, ...overrides };
  return {
    [WEBHOOK_FANOUT_JOB]: async (db, job) => {
      const p = fanoutPayload.safeParse(job.payload);
      if (!p.success) return { done: true, note: 'ignored: bad payload' };
      return { done: true, note: `${await fanOut(db, p.data.eventIds)} deliveries` };
    },
    [WEBHOOK_DELIVER_JOB]: async (db, job) => {
      const p = deliverPayload.safeParse(job.payload);
      if (!p.success) return { done: true, note: 'ignored: bad payload' };
      return deliver(db, p.data.deliveryId, deps);
    },
  };
}
