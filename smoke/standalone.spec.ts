// Smoke test of the one deployable artifact: the standalone server, started from a folder holding
// only the build output, signs a holder in, takes an M-Pesa payment in the sandbox and serves
// its receipt; health and metrics answer.
import { expect, test } from '@playwright/test';
import { answerOnPhone, HOLDER, signIn, snap } from '../e2e/helpers';

test('standalone server: sign in, pay by M-Pesa in the sandbox, download the receipt', async ({ page, request }) => {
  expect((await request.get('/api/health/live')).status()).toBe(200);
  await expect.poll(async () => (await request.get('/api/health/ready')).status(), { timeout: 20_000 }).toBe(200);
  const ready = await (await request.get('/api/health/ready')).json();
  expect(ready).toMatchObject({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, worker: { ok: true }, queue: { ok: true } } });

  await signIn(page);
  const motor = page.getByTestId('policy-card').filter({ hasText: 'MLP-MOT-240117' });
  await motor.getByRole('link', { name: /^Pay / }).click();
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  const phone = await answerOnPhone(page, HOLDER.phoneLocal, 'Enter PIN (pay)');
  await phone.close();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  await expect(page.getByTestId('success-amount')).toHaveText('KES 12,000.00');
  await snap(page, 'standalone-success');
  for (const [name, width] of [['phone-360', 360], ['desktop-1366', 1366]] as const) {
    await page.setViewportSize({ width, height: 900 });
    await snap(page, `standalone-success-${name}`);
  }

  const paymentId = new URL(page.url()).pathname.split('/').pop()!;
  const receipt = await page.request.get(`/api/v1/payments/${paymentId}/receipt`);
  expect(receipt.status()).toBe(200);
  expect(receipt.headers()['content-type']).toContain('application/pdf');
  expect((await receipt.body()).subarray(0, 5).toString()).toBe('%PDF-');

  // The static files came from the copied folder: the page's own CSS loads.
  const css = await page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => (l as HTMLLinkElement).href));
  expect(css.length).toBeGreaterThan(0);
  for (const href of css) expect((await request.get(href)).status()).toBe(200);

  expect((await request.get('/api/metrics')).status()).toBe(401);
  const metrics = await request.get('/api/metrics', { headers: { authorization: 'Bearer smoke-metrics-token' } });
  expect(metrics.status()).toBe(200);
  const text = await metrics.text();
  expect(text).toMatch(/malipo_gateway_callbacks_received_total\{[^}]*gateway="daraja"[^}]*outcome="queued"[^}]*\} 1/);
  expect(text).toMatch(/malipo_payments\{[^}]*method="mpesa"[^}]*status="completed"[^}]*\} [1-9]/);
});
