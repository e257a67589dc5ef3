// Integration harness: a fresh migrated+seeded database, and a real HTTP server on 127.0.0.1 that
// serves the Daraja emulator and our STK callback route, so the Daraja client, the emulator's
// callbacks and our handler talk over real HTTP exactly as in production.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { seed, DEMO_USERS } from '@/db/seed';
import { createDarajaClient, memoryTokenStore } from '@/lib/gateways/daraja/client';
import { darajaConfigFromEnv } from '@/lib/gateways/daraja/config';
import { stkCallbackUrl } from '@/lib/payments/mpesa/callback-token';
import { handleStkCallback, mpesaCheck } from '@/lib/payments/pay-by-mpesa';
import { cardCheck } from '@/lib/payments/pay-by-card';
import { applyQueuedGatewayMessages } from '@/lib/webhooks/paystack';
import { bodyDedupeKey } from '@/lib/payments/core/gateway-events';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { gatewayEvents } from '@/db/schema';
import { handleDarajaSandbox } from '@/lib/sandbox/daraja/emulator';
import { createPaystackClient } from '@/lib/gateways/paystack/client';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { handlePaystackWebhook } from '@/lib/webhooks/paystack';
import { handlePaystackSandbox } from '@/lib/sandbox/paystack/emulator';
import { listPolicies } from '@/lib/policies';
import type { Viewer } from '@/lib/viewer';
import { freshDatabase } from './db';

process.env.AUTH_SECRET ||= 'integration-test-secret';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness() {
  const database = await freshDatabase();
  await seed(database.db);
  const db = database.db;
  const background: Promise<unknown>[] = [];
  // Assigned once the server has a port (the emulator needs our origin for checkout links).
  let paystackConfig: ReturnType<typeof paystackConfigFromEnv>;
  let origin = '';
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const request = new Request(url, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    let response: Response;
    try {
      const parts = url.pathname.split('/').filter(Boolean);
      if (url.pathname.startsWith('/api/sandbox/daraja/')) {
        response = await handleDarajaSandbox(request, parts.slice(3), { db });
      } else if (url.pathname.startsWith('/api/sandbox/paystack/')) {
        response = await handlePaystackSandbox(request, parts.slice(3), {
          db,
          secretKey: paystackConfig.secretKey,
          appOrigin: origin,
          background: (task) => background.push(task),
          refundSettleDelayMs: 10,
        });
      } else if (url.pathname.replace(/\/$/, '') === '/api/v1/payments/paystack/webhook' && req.method === 'POST') {
        const a = await handlePaystackWebhook(db, {
          secretKey: paystackConfig.secretKey,
          rawBody: body.toString('utf8'),
          signature: (req.headers['x-paystack-signature'] as string | undefined) ?? null,
        });
        // As with callbacks below, applied before answering so a test sees the effect at once.
        await applyQueuedGatewayMessages(db);
        response = Response.json(a.body, { status: a.status });
      } else if (url.pathname.startsWith('/api/v1/payments/stk/callback/') && req.method === 'POST') {
        const a = await handleStkCallback(db, { paymentId: parts[5] ?? '', token: parts[6] ?? '', rawBody: body.toString('utf8') });
        // The app's worker is woken by NOTIFY; here the callback is applied before answering, so a
        // test sees its effect as soon as the simulated phone is done.
        await applyQueuedGatewayMessages(db);
        response = Response.json(a.body, { status: a.status });
      } else if (url.pathname.startsWith('/api/v1/payments/paybill/') && req.method === 'POST') {
        // Paybill (C2B): validation answered as is; a confirmation applied before answering, as above.
        const { handleC2bConfirmation, handleC2bValidation, applyQueuedConfirmations } = await import('@/lib/paybill/confirmation');
        const raw = body.toString('utf8');
        const a = parts[4] === 'validation' ? await handleC2bValidation(db, { secret: parts[5] ?? '', rawBody: raw }) : await handleC2bConfirmation(db, { secret: parts[5] ?? '', rawBody: raw, clientIp: '127.0.0.1' });
        if (parts[4] !== 'validation') await applyQueuedConfirmations(db);
        response = Response.json(a.body, { status: a.status });
      } else {
        response = new Response('not found', { status: 404 });
      }
    } catch (err) {
      console.error(err);
      response = new Response('internal error', { status: 500 });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  paystackConfig = paystackConfigFromEnv({ NODE_ENV: 'test' } as NodeJS.ProcessEnv, origin);
  const paystack = createPaystackClient(paystackConfig);
  const card = { paystack, returnUrlFor: (id: string) => `${origin}/pay/card/${id}` };
  const { config } = darajaConfigFromEnv({ NODE_ENV: 'test' } as NodeJS.ProcessEnv, origin);
  const daraja = createDarajaClient(config, { tokenStore: memoryTokenStore(), timeoutMs: 5000 });
  const gateway = { daraja, callbackUrlFor: (id: string) => stkCallbackUrl(config.callbackUrl, id) };

  const viewerFor = async (email: string): Promise<Viewer> => {
    const [u] = await db.select().from(users).where(eq(users.email, email));
    return { userId: u.id, role: u.role };
  };
  const holder = await viewerFor(DEMO_USERS.holder.email);
  const other = await viewerFor(DEMO_USERS.other.email);
  const holderPolicies = await listPolicies(db, holder);
  const policy = (prefix: string) => holderPolicies.find((p) => p.number.startsWith(prefix))!;

  return {
    database,
    db,
    origin,
    config,
    daraja,
    gateway,
    paystack,
    paystackConfig,
    card,
    /** How the sweep asks each gateway (STK Query, Paystack verify). */
    checks: { mpesa: mpesaCheck(daraja), card: cardCheck(paystack) },
    /**
     * Delivers a Paystack webhook as Paystack would (signed unless told otherwise), lets the
     * worker apply it, and says what applying it did (`applied`, the stored event's outcome).
     */
    async webhook(rawBody: string, signature: string | null = signPaystackBody(rawBody, paystackConfig.secretKey)) {
      const answer = await handlePaystackWebhook(db, { secretKey: paystackConfig.secretKey, rawBody, signature });
      await applyQueuedGatewayMessages(db);
      const [event] = await db.select({ outcome: gatewayEvents.outcome }).from(gatewayEvents).where(eq(gatewayEvents.dedupeKey, bodyDedupeKey('paystack', rawBody)));
      return { ...answer, applied: event?.outcome ?? null };
    },
    /** Waits for the emulator's after-the-answer work (webhooks, refund processing). */
    async settle() {
      while (background.length) await Promise.allSettled(background.splice(0));
    },
    holder,
    other,
    motor: policy('MLP-MOT'),
    afya: policy('MLP-AFY'),
    async close() {
      await new Promise((r) => server.close(r));
      await database.close();
    },
  };
}

/** Makes route handlers and server code that call getDb() use this harness's database. */
export function useAsAppDatabase(h: Harness) {
  (globalThis as Record<symbol, unknown>)[Symbol.for('malipo.database')] = Promise.resolve(h.database);
}
