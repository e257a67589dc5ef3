// The insurer's systems end to end: an administrator creates an API key and a webhook endpoint in
// the console; the core system puts a policy through the API; the holder pays it by M-Pesa in the
// sandbox; a small receiver on 127.0.0.1 gets a signed payment.completed, and the key reads the
// payment back from the change feed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from './fixtures';
import { answerOnPhone, snap } from './helpers';
import { verifySignature } from '../lib/integration/signature';

const ADMIN = { email: 'admin@malipo.test', password: 'malipo-admin' };
const HOLDER_PHONE = '0711000555';
const POLICY = 'E2E-API-0001';
const PHONE = { width: 360, height: 780 };

type Hook = { body: string; signature: string | null };
const hooks: Hook[] = [];
let receiver: http.Server;
let receiverUrl = '';

test.beforeAll(async () => {
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    hooks.push({ body: Buffer.concat(chunks).toString('utf8'), signature: (req.headers['malipo-signature'] as string) ?? null });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('thanks');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/malipo`;
});
test.afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

async function codeFromSandbox(page: Page, phoneLocal: string) {
  const phone = await page.context().newPage();
  let code: string | null = null;
  for (let i = 0; i < 30 && !code; i++) {
    await phone.goto(`/sandbox/outbox/sms?phone=${phoneLocal}`);
    const sms = phone.locator('[data-testid="sms-message"][data-kind="code"]').first();
    if (await sms.count()) code = /\b(\d{6})\b/.exec((await sms.getByTestId('sms-body').textContent()) ?? '')?.[1] ?? null;
    if (!code) await phone.waitForTimeout(500);
  }
  expect(code).toBeTruthy();
  await phone.close();
  return code!;
}

test('an API key from the console reads a payment, and a local receiver gets the signed payment.completed', async ({ browser, request }) => {
  const context = await browser.newContext({ viewport: PHONE });
  const admin = await context.newPage();
  await admin.goto('/login?callbackUrl=/staff/integrations');
  await admin.getByLabel('Email').fill(ADMIN.email);
  await admin.getByLabel('Password').fill(ADMIN.password);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await expect(admin.getByRole('heading', { name: 'Integrations' })).toBeVisible();
  await snap(admin, 'integrations-01-empty');

  // A key for the core system: shown once.
  const keyForm = admin.getByTestId('create-key');
  await keyForm.getByLabel('Name').fill('Core system (e2e)');
  await keyForm.getByRole('checkbox', { name: /policies:write/ }).check();
  await keyForm.getByRole('checkbox', { name: /payments:read/ }).check();
  await keyForm.getByRole('button', { name: 'Create key' }).click();
  const key = (await keyForm.getByTestId('shown-once-secret').textContent())!.trim();
  expect(key).toMatch(/^mlp_key_/);
  await snap(admin, 'integrations-02-key-shown-once');

  // The receiver as a webhook endpoint for payment.completed.
  const hookForm = admin.getByTestId('create-endpoint');
  await hookForm.getByLabel('URL (https)').fill(receiverUrl);
  await hookForm.getByLabel('Description (optional)').fill('Local test receiver');
  await hookForm.getByRole('checkbox', { name: /payment\.completed/ }).check();
  await hookForm.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = (await hookForm.getByTestId('shown-once-secret').textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await admin.reload();
  await expect(admin.getByTestId('api-key').filter({ hasText: 'Core system (e2e)' })).toBeVisible();
  await expect(admin.getByTestId('endpoint').filter({ hasText: receiverUrl })).toBeVisible();
  // Shown once: nowhere on the page any more.
  await expect(admin.getByText(key)).toHaveCount(0);
  await expect(admin.getByText(secret)).toHaveCount(0);

  // The core system: no key 401, then a policy upsert with the key.
  expect((await request.get('/api/v1/payments')).status()).toBe(401);
  const put = await request.put(`/api/v1/policies/${POLICY}`, {
    headers: { authorization: `Bearer ${key}`, 'idempotency-key': `e2e-${Date.now()}` },
    data: {
      holder: { client_id: 'E2E-C-0001', name: 'Zawadi Achieng', phone: HOLDER_PHONE, email: 'zawadi.e2e@example.com' },
      product: 'Motor Third Party',
      status: 'active',
      start_date: '2026-01-01',
      end_date: '2026-12-31',
      installments: [{ due_date: '2026-12-01', amount_minor: 150_000 }],
    },
  });
  expect(put.status()).toBe(201);
  const start = await request.get('/api/v1/payments', { headers: { authorization: `Bearer ${key}` } });
  expect(start.status()).toBe(200);
  let cursor = (await start.json()).next_cursor as string;
  for (let page = await (await request.get(`/api/v1/payments?since=${cursor}`, { headers: { authorization: `Bearer ${key}` } })).json(); page.data.length; ) {
    cursor = page.next_cursor;
    page = await (await request.get(`/api/v1/payments?since=${cursor}`, { headers: { authorization: `Bearer ${key}` } })).json();
  }

  // The holder pays it by M-Pesa (guest pay: policy number, phone, code).
  const holderContext = await browser.newContext({ viewport: PHONE });
  const holder = await holderContext.newPage();
  await holder.goto('/pay');
  await holder.getByLabel('Policy number').fill(POLICY);
  await holder.getByLabel('Phone number').fill(HOLDER_PHONE);
  await holder.getByRole('button', { name: 'Send me a code' }).click();
  await holder.getByLabel('6-digit code').fill(await codeFromSandbox(holder, HOLDER_PHONE));
  await holder.getByRole('button', { name: 'Continue' }).click();
  await expect(holder).toHaveURL(/\/pay\/[0-9a-f-]{36}$/);
  await expect(holder.getByLabel('Amount (KES)')).toHaveValue('1500');
  await holder.getByRole('checkbox').check();
  await holder.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(holder.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  (await answerOnPhone(holder, HOLDER_PHONE, 'Enter PIN (pay)')).close();
  await expect(holder).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  const paymentId = holder.url().split('/').pop()!;

  // The signed event reaches the receiver (delivered by the job worker).
  await expect.poll(() => hooks.filter((h) => JSON.parse(h.body).data?.id === paymentId).length, { timeout: 20_000 }).toBe(1);
  const hook = hooks.find((h) => JSON.parse(h.body).data?.id === paymentId)!;
  expect(verifySignature(hook.signature, hook.body, secret)).toBe(true);
  expect(verifySignature(hook.signature, hook.body, 'whsec_someone-else')).toBe(false);
  expect(JSON.parse(hook.body)).toMatchObject({ type: 'payment.completed', data: { object: 'payment', status: 'completed', amount_minor: 150_000, policy_number: POLICY } });

  // The key reads the payment from the change feed, and the policy's standing.
  const changes = await (await request.get(`/api/v1/payments?since=${cursor}`, { headers: { authorization: `Bearer ${key}` } })).json();
  expect(changes.data).toContainEqual(expect.objectContaining({ object: 'payment', id: paymentId, status: 'completed', amount_minor: 150_000, mpesa_receipt: expect.stringMatching(/^[A-Z0-9]{10}$/) }));
  const policy = await (await request.get(`/api/v1/policies/${POLICY}`, { headers: { authorization: `Bearer ${key}` } })).json();
  expect(policy).toMatchObject({ number: POLICY, balance_minor: 0, installments: [expect.objectContaining({ state: 'paid', paid_minor: 150_000 })] });

  // The console shows the delivery, and the key's last use.
  await admin.reload();
  const endpoint = admin.getByTestId('endpoint').filter({ hasText: receiverUrl });
  await expect(endpoint.getByTestId('delivery').first()).toHaveAttribute('data-status', 'succeeded');
  await expect(endpoint.getByTestId('delivery').first()).toContainText('HTTP 200');
  await expect(admin.getByTestId('api-key').filter({ hasText: 'Core system (e2e)' }).getByTestId('key-last-used')).toContainText('last used');
  await snap(admin, 'integrations-03-delivered');
  await admin.setViewportSize({ width: 1366, height: 900 });
  await snap(admin, 'integrations-04-delivered-desktop');

  // Revoked in the console: the key stops working.
  await admin.getByTestId('api-key').filter({ hasText: 'Core system (e2e)' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(admin.getByTestId('action-result')).toContainText('revoked');
  expect((await request.get('/api/v1/payments', { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
  // The OpenAPI document is public.
  const doc = await (await request.get('/api/v1/openapi.json')).json();
  expect(doc.openapi).toBe('3.1.0');
  await holderContext.close();
  await context.close();
});
