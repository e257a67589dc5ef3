// Outbound webhooks against a real receiver on 127.0.0.1: a payment outcome reaches it signed,
// the signature verifies with the endpoint's secret, a 500 or a hang is retried with backoff, an
// endpoint failing for days is disabled with an email to the administrators, a rotated secret
// signs beside the old one during the overlap, and "resend" sends a delivery again.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '@/db/integration-schema';
import { installments, jobs, outboxMessages, payments, policies, users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { deliver, webhookJobHandlers, type DeliveryDeps } from '@/lib/integration/delivery';
import { checkEndpointUrl, createEndpoint, deliveryLog, resendDelivery, rotateEndpointSecret, setEndpointEnabled } from '@/lib/integration/endpoints';
import { WEBHOOK_FANOUT_JOB } from '@/lib/integration/events';
import { verifySignature } from '@/lib/integration/signature';
import { runDueJobs } from '@/lib/jobs/worker';
import { completePayment, holdForReview } from '@/lib/payments/core/outcomes';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

type Received = { body: string; signature: string | null; eventId: string | null };
let h: Harness;
let admin: Viewer;
let receiver: http.Server;
let receiverUrl = '';
const received: Received[] = [];
/** What the receiver does with the next requests: answer a status, or hang. */
let behaviour: { status: number } | 'hang' = { status: 200 };

beforeAll(async () => {
  h = await startHarness();
  const [u] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.admin.email));
  admin = { userId: u.id, role: u.role };
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: (req.headers['malipo-signature'] as string) ?? null, eventId: (req.headers['malipo-event-id'] as string) ?? null });
    if (behaviour === 'hang') return; // never answers; the sender's timeout must cut it
    res.writeHead(behaviour.status, { 'content-type': 'text/plain' });
    res.end(behaviour.status === 200 ? 'ok' : 'receiver broke: database down');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/malipo/webhooks`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  await h?.close();
});
beforeEach(() => {
  received.length = 0;
  behaviour = { status: 200 };
});

const handlers = (deps: Partial<DeliveryDeps> = {}) => webhookJobHandlers({ timeoutMs: 500, origin: () => 'http://127.0.0.1:3000', ...deps });
/** Runs due fan-out and delivery jobs until none is due. */
async function runWebhookJobs(deps: Partial<DeliveryDeps> = {}) {
  const kinds = [WEBHOOK_FANOUT_JOB, 'webhooks.deliver'];
  while ((await runDueJobs(h.db, handlers(deps), 10, kinds)) > 0);
}

let seq = 0;
async function pendingPayment() {
  const tag = `${Date.now().toString(36)}${++seq}`.toUpperCase();
  const [policy] = await h.db.insert(policies).values({ number: `WH-${tag}`, product: 'Webhook cover', holderId: h.holder.userId, premiumMinor: 70_000 }).returning();
  await h.db.insert(installments).values({ policyId: policy.id, seq: 1, dueDate: '2026-12-31', amountMinor: 70_000 });
  const [payment] = await h.db
    .insert(payments)
    .values({ reference: `MLP-WH-${tag}`, userId: h.holder.userId, policyId: policy.id, method: 'mpesa', amountMinor: 70_000, phone: '254712345678', merchantRequestId: `wh-mr-${tag}`, checkoutRequestId: `ws_CO_WH${tag}` })
    .returning();
  return payment;
}

async function newEndpoint(events: string[] = ['payment.completed']) {
  const r = await createEndpoint(h.db, admin, { url: receiverUrl, events });
  if (!r.ok || !('secret' in r) || !r.secret) throw new Error(JSON.stringify(r));
  return { id: r.id!, secret: r.secret };
}

async function disableOthers(keep: string) {
  for (const ep of await h.db.select().from(webhookEndpoints)) if (ep.id !== keep && !ep.disabledAt) await setEndpointEnabled(h.db, admin, ep.id, false);
}

async function completeOne() {
  const p = await pendingPayment();
  await h.db.transaction((tx) => completePayment(tx, { paymentId: p.id, reason: 'test', receipt: `WH${seq}X${Date.now() % 100000}` }));
  return p;
}

const deliveriesOf = (endpointId: string) => h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));

describe('endpoints', () => {
  test('https only in production; plain http only to this machine outside it; admins only', async () => {
    const live = { MPESA_CONSUMER_KEY: 'x' } as unknown as NodeJS.ProcessEnv;
    expect(checkEndpointUrl('https://core.example.co.ke/hooks', live)).toMatchObject({ ok: true });
    expect(checkEndpointUrl('http://127.0.0.1:9000/hooks', live)).toMatchObject({ ok: false });
    expect(checkEndpointUrl('http://127.0.0.1:9000/hooks', {} as unknown as NodeJS.ProcessEnv)).toMatchObject({ ok: true });
    expect(checkEndpointUrl('http://core.example.co.ke/hooks', {} as unknown as NodeJS.ProcessEnv)).toMatchObject({ ok: false });
    const [f] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.staff.email));
    expect(await createEndpoint(h.db, { userId: f.id, role: f.role }, { url: receiverUrl, events: ['payment.completed'] })).toMatchObject({ ok: false, code: 'forbidden' });
    // The secret is sealed at rest.
    const { id, secret } = await newEndpoint();
    const [row] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(secret).toMatch(/^whsec_/);
    expect(row.secret).not.toContain(secret.slice(6));
    await setEndpointEnabled(h.db, admin, id, false);
  });
});

describe('delivery', () => {
  test('a completed payment reaches the receiver once, signed with the endpoint secret', async () => {
    const { id, secret } = await newEndpoint(['payment.completed', 'payment.review']);
    await disableOthers(id);
    const p = await completeOne();
    await runWebhookJobs();
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(verifySignature(got.signature, got.body, secret)).toBe(true);
    expect(verifySignature(got.signature, got.body.replace('70000', '70001'), secret)).toBe(false);
    expect(verifySignature(got.signature, got.body, 'whsec_wrong')).toBe(false);
    expect(got.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = JSON.parse(got.body);
    expect(event).toMatchObject({ type: 'payment.completed', data: { object: 'payment', id: p.id, status: 'completed', amount_minor: 70_000 } });
    expect(got.eventId).toBe(event.id);
    const [d] = await deliveriesOf(id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 1 });
    const log = await deliveryLog(h.db, admin, id);
    expect(log[0]).toMatchObject({ eventType: 'payment.completed', status: 'succeeded', httpStatus: 200, responseSnippet: 'ok' });
    // A type the endpoint did not pick is not sent; one it picked is.
    const q = await pendingPayment();
    await h.db.transaction((tx) => holdForReview(tx, { paymentId: q.id, reason: 'Amount does not match' }));
    await runWebhookJobs();
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual(['payment.completed', 'payment.review']);
    await setEndpointEnabled(h.db, admin, id, false);
  });

  test('a 500 and a timeout are retried with backoff; the delivery log keeps each attempt; resend sends again', async () => {
    const { id, secret } = await newEndpoint();
    await disableOthers(id);
    behaviour = { status: 500 };
    await completeOne();
    await runWebhookJobs();
    const [d] = await deliveriesOf(id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    const [job] = await h.db.select().from(jobs).where(eq(jobs.key, `webhooks.deliver:${d.id}`));
    expect(job.runAt.getTime() - Date.now()).toBeGreaterThan(20_000); // 30 s backoff after the first failure
    const [ep] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(ep.consecutiveFailures).toBe(1);

    behaviour = 'hang';
    const t0 = Date.now();
    const second = await deliver(h.db, d.id, { fetch: (...a) => fetch(...a), now: () => new Date(), timeoutMs: 300, origin: () => '' });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(second.done).toBe(false);
    if (!second.done) expect(second.retryAt.getTime() - Date.now()).toBeGreaterThan(50_000); // 60 s after the second
    const attempts = await h.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, d.id)).orderBy(webhookAttempts.id);
    expect(attempts.map((a) => [a.httpStatus, a.error?.startsWith('No answer within') ?? false])).toEqual([
      [500, false],
      [null, true],
    ]);
    expect(attempts[0].responseSnippet).toContain('receiver broke');

    behaviour = { status: 200 };
    expect(await resendDelivery(h.db, admin, d.id)).toMatchObject({ ok: true });
    await runWebhookJobs();
    const [after] = await deliveriesOf(id);
    expect(after).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(verifySignature(received.at(-1)!.signature, received.at(-1)!.body, secret)).toBe(true);
    // Every attempt carried the same event id: the receiver can deduplicate on it.
    expect(new Set(received.map((r) => r.eventId)).size).toBe(1);
    const [healthy] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(healthy).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    await setEndpointEnabled(h.db, admin, id, false);
  });

  test('an endpoint failing for 3 days is disabled and the administrators get an email', async () => {
    const { id } = await newEndpoint();
    await disableOthers(id);
    behaviour = { status: 503 };
    await completeOne();
    await runWebhookJobs();
    const [d] = await deliveriesOf(id);
    const base = Date.now();
    // Retries over the following days (the job's own clock moved forward).
    for (const hours of [1, 12, 40]) {
      const r = await deliver(h.db, d.id, { fetch: (...a) => fetch(...a), now: () => new Date(base + hours * 3600_000), timeoutMs: 500, origin: () => 'http://127.0.0.1:3000' });
      expect(r.done).toBe(false);
    }
    const r = await deliver(h.db, d.id, { fetch: (...a) => fetch(...a), now: () => new Date(base + 73 * 3600_000), timeoutMs: 500, origin: () => 'http://127.0.0.1:3000' });
    expect(r).toMatchObject({ done: true, note: 'endpoint disabled after sustained failure' });
    const [ep] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(ep.disabledAt).toBeInstanceOf(Date);
    expect(ep.disabledReason).toMatch(/failed for 7[23] hours \(5 attempts in a row\)/);
    const [gaveUp] = await deliveriesOf(id);
    expect(gaveUp.status).toBe('failed');
    const mails = await h.db.select().from(outboxMessages).where(and(eq(outboxMessages.kind, 'webhook_endpoint_disabled'), like(outboxMessages.textBody, `%${receiverUrl}%`)));
    expect(mails.map((m) => m.toEmail)).toEqual([DEMO_USERS.admin.email]);
    expect(mails[0].textBody).toContain('/staff/integrations');
    // A disabled endpoint gets no new deliveries.
    received.length = 0;
    behaviour = { status: 200 };
    await completeOne();
    await runWebhookJobs();
    expect(received).toHaveLength(0);
    expect(await deliveriesOf(id)).toHaveLength(1);
  });

  test('a rotated secret: both signatures during the overlap, only the new one after it', async () => {
    const { id, secret: oldSecret } = await newEndpoint();
    await disableOthers(id);
    const rotated = await rotateEndpointSecret(h.db, admin, id);
    expect(rotated).toMatchObject({ ok: true, secret: expect.stringMatching(/^whsec_/) });
    const newSecret = (rotated as { secret: string }).secret;
    expect(newSecret).not.toBe(oldSecret);
    await completeOne();
    await runWebhookJobs();
    const [during] = received;
    expect(during.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature(during.signature, during.body, oldSecret)).toBe(true);
    expect(verifySignature(during.signature, during.body, newSecret)).toBe(true);

    // 25 hours later the old secret no longer signs.
    received.length = 0;
    await completeOne();
    const later = new Date(Date.now() + 25 * 3600_000);
    await runDueJobs(h.db, handlers(), 10, [WEBHOOK_FANOUT_JOB]);
    const pending = (await deliveriesOf(id)).filter((d) => d.status === 'pending');
    expect(pending).toHaveLength(1);
    await deliver(h.db, pending[0].id, { fetch: (...a) => fetch(...a), now: () => later, timeoutMs: 500, origin: () => '' });
    const [after] = received;
    expect(after.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(after.signature, after.body, newSecret, Math.floor(later.getTime() / 1000))).toBe(true);
    expect(verifySignature(after.signature, after.body, oldSecret, Math.floor(later.getTime() / 1000))).toBe(false);
    // And a stale timestamp is refused (replay).
    expect(verifySignature(after.signature, after.body, newSecret, Math.floor(later.getTime() / 1000) + 600)).toBe(false);
  });
});
