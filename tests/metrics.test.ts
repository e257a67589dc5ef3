// The metrics endpoint after a known sequence of payments: every counter and gauge moves by
// exactly what that sequence should produce, and the endpoint wants its bearer token.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { gatewayEvents, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { beat } from '@/lib/jobs/heartbeat';
import { enqueueJob } from '@/lib/jobs/queue';
import { callbackToken } from '@/lib/payments/mpesa/callback-token';
import { handleStkCallback, initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { applyQueuedGatewayMessages, handlePaystackWebhook } from '@/lib/webhooks/paystack';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { pendingPayments, paystackSuccessBody } from '@/faults/fixtures';
import { GET as metricsRoute } from '@/app/api/metrics/route';
import { startHarness, useAsAppDatabase, type Harness } from './harness';
import { parsePrometheus, valueOf, type Series } from './prometheus';

let h: Harness;
const TOKEN = 'metrics-test-token-7f3a';
beforeAll(async () => {
  h = await startHarness();
  useAsAppDatabase(h);
  process.env.METRICS_TOKEN = TOKEN;
});
afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  await h?.close();
});

async function scrape(): Promise<Series[]> {
  const res = await metricsRoute(new Request('http://localhost/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parsePrometheus(await res.text());
}

async function mpesa(phone: string, action: 'pin' | 'cancel'): Promise<Payment> {
  const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.motor.id, amountMinor: 100_000, phone });
  if (!r.ok) throw new Error(r.error);
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
  expect(await respondToPrompt(h.db, prompt.id, action)).toMatchObject({ delivered: true, status: 200 });
  return r.payment;
}

test('the endpoint needs METRICS_TOKEN as a bearer token', async () => {
  const at = (auth?: string) => metricsRoute(new Request('http://localhost/api/metrics', { headers: auth ? { authorization: auth } : {} }));
  expect((await at()).status).toBe(401);
  expect((await at('Bearer wrong-token-of-other-len')).status).toBe(401);
  expect((await at(TOKEN)).status).toBe(401); // not a bearer header
  expect((await at(`Bearer ${TOKEN}`)).status).toBe(200);
  delete process.env.METRICS_TOKEN;
  expect((await at(`Bearer ${TOKEN}`)).status).toBe(404); // off unless configured
  process.env.METRICS_TOKEN = TOKEN;
});

test('a known sequence of payments moves each metric by exactly its share', async () => {
  const before = await scrape();
  const d = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
  let after = before;

  // Two M-Pesa payments paid, one cancelled: three pushes, three callbacks queued and applied.
  const paid1 = await mpesa('0712345678', 'pin');
  await mpesa('0722000111', 'pin');
  await mpesa('0712345678', 'cancel');
  // The first paid callback delivered again (duplicate), and one with a forged token.
  const [event] = await h.db.select().from(gatewayEvents).where(and(eq(gatewayEvents.paymentId, paid1.id), eq(gatewayEvents.kind, 'stk_callback')));
  expect((await handleStkCallback(h.db, { paymentId: paid1.id, token: callbackToken(paid1.id), rawBody: event.raw })).outcome).toBe('duplicate');
  expect((await handleStkCallback(h.db, { paymentId: paid1.id, token: 'forged', rawBody: event.raw })).outcome).toBe('bad_token');
  // One card payment completed by its webhook, one webhook with a bad signature.
  const [card] = await pendingPayments(h.db, 1, 'card');
  const body = paystackSuccessBody(card);
  const secretKey = h.paystackConfig.secretKey;
  // Answered first (stored and queued), then applied by the worker.
  expect((await handlePaystackWebhook(h.db, { secretKey, rawBody: body, signature: signPaystackBody(body, secretKey) })).outcome).toBe('queued');
  expect((await handlePaystackWebhook(h.db, { secretKey, rawBody: body, signature: 'bad' })).outcome).toBe('bad_signature');
  await applyQueuedGatewayMessages(h.db);
  // The queue: two jobs of one kind, one of them overdue by 10 minutes; a live worker.
  await enqueueJob(h.db, { kind: 'metrics.test', runAt: new Date(Date.now() - 600_000) });
  await enqueueJob(h.db, { kind: 'metrics.test', runAt: new Date(Date.now() + 600_000) });
  await beat(h.db, 'metrics-test-worker');

  after = await scrape();
  expect(d('malipo_gateway_callbacks_received_total', { gateway: 'daraja', outcome: 'queued' })).toBe(3);
  expect(d('malipo_gateway_callbacks_received_total', { gateway: 'daraja', outcome: 'duplicate' })).toBe(1);
  expect(d('malipo_gateway_callbacks_received_total', { gateway: 'daraja', outcome: 'bad_token' })).toBe(1);
  expect(d('malipo_gateway_callbacks_received_total', { gateway: 'paystack', outcome: 'queued' })).toBe(1);
  expect(d('malipo_gateway_callbacks_received_total', { gateway: 'paystack', outcome: 'bad_signature' })).toBe(1);
  expect(d('malipo_gateway_events_applied_total', { gateway: 'daraja', outcome: 'completed' })).toBe(2);
  expect(d('malipo_gateway_events_applied_total', { gateway: 'daraja', outcome: 'cancelled' })).toBe(1);
  expect(d('malipo_gateway_events_applied_total', { gateway: 'paystack', outcome: 'completed' })).toBe(1);
  expect(d('malipo_gateway_event_apply_latency_seconds_count', { gateway: 'daraja' })).toBe(3);
  expect(d('malipo_mpesa_stk_push_to_result_seconds_count', { result: 'completed' })).toBe(2);
  expect(d('malipo_mpesa_stk_push_to_result_seconds_count', { result: 'cancelled' })).toBe(1);
  expect(d('malipo_gateway_callback_handling_seconds_count', { gateway: 'daraja' })).toBe(5);
  // Gateway calls: three STK pushes (plus the one OAuth token), none failed.
  expect(d('malipo_gateway_request_seconds_count', { gateway: 'daraja', endpoint: '/mpesa/stkpush/v1/processrequest', outcome: 'ok' })).toBe(3);
  expect(d('malipo_gateway_request_errors_total', { gateway: 'daraja' })).toBe(0);
  // Shared state, read from the database.
  expect(d('malipo_payments', { method: 'mpesa', status: 'completed' })).toBe(2);
  expect(d('malipo_payments', { method: 'mpesa', status: 'cancelled' })).toBe(1);
  expect(d('malipo_payments', { method: 'card', status: 'completed' })).toBe(1);
  expect(d('malipo_payments', { status: 'pending' })).toBe(0);
  expect(valueOf(after, 'malipo_jobs_queued', { kind: 'metrics.test' })).toBe(2);
  expect(valueOf(after, 'malipo_jobs_due', { kind: 'metrics.test' })).toBe(1);
  expect(valueOf(after, 'malipo_jobs_oldest_due_age_seconds', { kind: 'metrics.test' })).toBeGreaterThanOrEqual(599);
  expect(valueOf(after, 'malipo_jobs_queued', { kind: 'payments.apply-stk-callback' })).toBe(0);
  expect(valueOf(after, 'malipo_workers_alive')).toBeGreaterThanOrEqual(1);
  expect(valueOf(after, 'malipo_gateway_events_unapplied')).toBe(0);
  expect(after.some((s) => s.name === 'malipo_sse_streams_open')).toBe(true);

  // A job failing over and over counts as dead.
  await h.db.execute(sql`update jobs set failures = 20, dead_at = now(), last_error = 'boom' where kind = 'metrics.test'`);
  after = await scrape();
  expect(valueOf(after, 'malipo_jobs_dead', { kind: 'metrics.test' })).toBe(2);
});
