// Webhook endpoints, managed by administrators in the console: register (the signing secret is
// shown once), rotate the secret (the old one keeps signing beside it for a day), disable/enable,
// and resend a delivery. Every change is audited in its own transaction.
import { desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '@/db/client';
import { webhookAttempts, webhookDeliveries, webhookEndpoints, integrationEvents, type WebhookEndpoint } from '@/db/integration-schema';
import { jobs } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { sealSecret } from '@/lib/auth/two-factor/secret-box';
import { denyUnless, type Forbidden } from '@/lib/auth/roles';
import { liveMode } from '@/lib/env';
import { isNonPublicHost } from '@/lib/net/public-only';
import { enqueueJob } from '@/lib/jobs/queue';
import { isUuid } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { WEBHOOK_EVENTS } from './scopes';
import { newWebhookSecret } from './signature';

export const WEBHOOK_DELIVER_JOB = 'webhooks.deliver';
/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https always; plain http only to this machine (a local receiver) and never in production. */
export function checkEndpointUrl(raw: string, env: NodeJS.ProcessEnv = process.env): { ok: true; url: string } | { ok: false; error: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, error: 'Enter the full URL, e.g. https://core.example.co.ke/malipo/webhooks.' };
  }
  if (u.username || u.password) return { ok: false, error: 'Put no user name or password in the URL; the signature authenticates us.' };
  // In production only public addresses (lib/net/public-only.ts checks again at every connection).
  if (liveMode(env) && isNonPublicHost(u.hostname)) return { ok: false, error: 'Webhook URLs must point to a public address, not this network.' };
  if (u.protocol === 'https:') return { ok: true, url: u.toString() };
  if (u.protocol === 'http:' && !liveMode(env) && LOOPBACK.has(u.hostname)) return { ok: true, url: u.toString() };
  return { ok: false, error: liveMode(env) ? 'Webhook URLs must use https.' : 'Webhook URLs must use https (plain http only to 127.0.0.1 or localhost, outside production).' };
}

const endpointSchema = z.object({
  url: z.string().max(2000, 'Keep the URL under 2000 characters.'),
  description: z.string().trim().max(200, 'Keep the description under 200 characters.'),
  events: z.array(z.enum(WEBHOOK_EVENTS, { message: 'Unknown event.' })).min(1, 'Pick at least one event.'),
});

export type EndpointResult = { ok: true; message: string; secret?: string; id?: string } | { ok: false; code: 'invalid' | 'not_found'; error: string } | Forbidden;
const notFound = { ok: false as const, code: 'not_found' as const, error: 'We could not find that endpoint.' };

export async function createEndpoint(db: Db, viewer: Viewer, raw: { url: string; description?: string; events: string[] }, env = process.env): Promise<EndpointResult> {
  const denied = denyUnless(viewer, 'integrations.manage');
  if (denied) return denied;
  const input = endpointSchema.safeParse({ ...raw, description: raw.description ?? '' });
  if (!input.success) return { ok: false, code: 'invalid', error: input.error.issues[0].message };
  const url = checkEndpointUrl(input.data.url, env);
  if (!url.ok) return { ok: false, code: 'invalid', error: url.error };
  const secret = newWebhookSecret();
  const events = [...new Set(input.data.events)];
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ url: url.url, description: input.data.description, events, secret: sealSecret(secret), createdBy: viewer.userId })
      .returning({ id: webhookEndpoints.id });
    await recordAudit(tx, { actorId: viewer.userId, action: 'webhook_endpoint.create', targetType: 'webhook_endpoint', targetId: row.id, detail: { url: url.url, events } });
    return row.id;
  });
  return { ok: true, id, secret, message: `Endpoint added. Its signing secret is shown once: copy it now.` };
}

export async function rotateEndpointSecret(db: Db, viewer: Viewer, id: string, now = new Date()): Promise<EndpointResult> {
  const denied = denyUnless(viewer, 'integrations.manage');
  if (denied) return denied;
  if (!isUuid(id)) return notFound;
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('update');
    if (!row) return notFound;
    const until = new Date(now.getTime() + ROTATION_OVERLAP_MS);
    await tx.update(webhookEndpoints).set({ secret: sealSecret(secret), previousSecret: row.secret, previousSecretUntil: until }).where(eq(webhookEndpoints.id, id));
    await recordAudit(tx, { actorId: viewer.userId, action: 'webhook_endpoint.rotate', targetType: 'webhook_endpoint', targetId: id, detail: { url: row.url } });
    return { ok: true as const, id, secret, message: `New signing secret (shown once). Until ${until.toISOString()} every event is signed with both the old and the new secret.` };
  });
}

export async function setEndpointEnabled(db: Db, viewer: Viewer, id: string, enabled: boolean): Promise<EndpointResult> {
  const denied = denyUnless(viewer, 'integrations.manage');
  if (denied) return denied;
  if (!isUuid(id)) return notFound;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhookEndpoints)
      .set(enabled ? { disabledAt: null, disabledReason: null, failingSince: null, consecutiveFailures: 0 } : { disabledAt: new Date(), disabledReason: 'Disabled by an administrator.' })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!row) return notFound;
    await recordAudit(tx, { actorId: viewer.userId, action: enabled ? 'webhook_endpoint.enable' : 'webhook_endpoint.disable', targetType: 'webhook_endpoint', targetId: id, detail: { url: row.url } });
    return { ok: true as const, message: enabled ? 'Endpoint enabled: new events are sent to it again.' : 'Endpoint disabled: no events are sent to it.' };
  });
}

/** Sends a delivery again now (whatever its status), e.g. after the receiver fixed a bug. */
export async function resendDelivery(db: Db, viewer: Viewer, deliveryId: string): Promise<EndpointResult> {
  const denied = denyUnless(viewer, 'integrations.manage');
  if (denied) return denied;
  if (!isUuid(deliveryId)) return { ok: false, code: 'not_found', error: 'We could not find that delivery.' };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', finishedAt: null, createdAt: new Date() })
      .where(eq(webhookDeliveries.id, deliveryId))
      .returning();
    if (!row) return { ok: false as const, code: 'not_found' as const, error: 'We could not find that delivery.' };
    await queueDelivery(tx, row.id);
    await recordAudit(tx, { actorId: viewer.userId, action: 'webhook_delivery.resend', targetType: 'webhook_delivery', targetId: row.id, detail: {} });
    return { ok: true as const, message: 'Queued to be sent again now.' };
  });
}

/** One job per delivery; when it is already queued (waiting to retry), it runs now instead. */
export async function queueDelivery(tx: Queryable, deliveryId: string) {
  const key = `${WEBHOOK_DELIVER_JOB}:${deliveryId}`;
  if (!(await enqueueJob(tx, { kind: WEBHOOK_DELIVER_JOB, key, payload: { deliveryId } })))
    await tx.update(jobs).set({ runAt: sql`now()`, deadAt: null, failures: 0 }).where(eq(jobs.key, key));
}

export type EndpointView = Omit<WebhookEndpoint, 'secret' | 'previousSecret'> & { rotating: boolean };

export async function listEndpoints(db: Queryable, viewer: Viewer, now = new Date()): Promise<EndpointView[]> {
  if (denyUnless(viewer, 'integrations.manage')) return [];
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
  return rows.map(({ secret: _s, previousSecret: _p, ...rest }) => {
    void _s;
    void _p;
    return { ...rest, rotating: !!rest.previousSecretUntil && rest.previousSecretUntil > now };
  });
}

export type DeliveryLogLine = {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  createdAt: Date;
  lastAt: Date | null;
  httpStatus: number | null;
  durationMs: number | null;
  responseSnippet: string | null;
  error: string | null;
};

/** The endpoint's latest deliveries with their last attempt. */
export async function deliveryLog(db: Queryable, viewer: Viewer, endpointId: string, limit = 20): Promise<DeliveryLogLine[]> {
  if (denyUnless(viewer, 'integrations.manage') || !isUuid(endpointId)) return [];
  const rows = await db
    .select({ d: webhookDeliveries, type: integrationEvents.type })
    .from(webhookDeliveries)
    .innerJoin(integrationEvents, eq(integrationEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
  const ids = rows.map((r) => r.d.id);
  const attempts = ids.length
    ? await db
        .selectDistinctOn([webhookAttempts.deliveryId])
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, ids))
        .orderBy(webhookAttempts.deliveryId, desc(webhookAttempts.id))
    : [];
  const last = new Map(attempts.map((a) => [a.deliveryId, a]));
  return rows.map(({ d, type }) => {
    const a = last.get(d.id);
    return {
      id: d.id,
      eventId: d.eventId,
      eventType: type,
      status: d.status,
      attempts: d.attempts,
      createdAt: d.createdAt,
      lastAt: a?.at ?? null,
      httpStatus: a?.httpStatus ?? null,
      durationMs: a?.durationMs ?? null,
      responseSnippet: a?.responseSnippet ?? null,
      error: a?.error ?? null,
    };
  });
}
