import { expect, test } from './fixtures';
import { answerOnPhone, HOLDER, signIn, snap } from './helpers';

test('a policyholder pays the overdue installment by M-Pesa and sees the new balance', async ({ page }) => {
  await signIn(page);
  await snap(page, '01-dashboard');
  const motor = page.getByTestId('policy-card').filter({ hasText: 'MLP-MOT-240117' });
  await expect(motor.getByTestId('policy-balance')).toHaveText('KES 48,000.00');
  await motor.getByRole('link', { name: /^Pay / }).click();

  await expect(page.getByRole('heading', { name: 'Pay premium' })).toBeVisible();
  await expect(page.getByLabel('Amount (KES)')).toHaveValue('12000');
  await expect(page.getByLabel('M-Pesa phone number')).toHaveValue(HOLDER.phoneLocal);
  await page.getByRole('checkbox').check();
  await snap(page, '02-pay-form');
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();

  await expect(page).toHaveURL(/\/pay\/mpesa\//);
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  await snap(page, '03-mpesa-waiting');

  const phone = await answerOnPhone(page, HOLDER.phoneLocal, 'Enter PIN (pay)', '04-sandbox-phone');
  await phone.close();

  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  await expect(page.getByTestId('success-amount')).toHaveText('KES 12,000.00');
  await expect(page.getByTestId('mpesa-receipt')).toHaveText(/^[A-Z0-9]{10}$/);
  await expect(page.getByTestId('balance-after')).toHaveText('KES 36,000.00');
  await snap(page, '05-success');

  await page.goto('/dashboard');
  await expect(motor.getByTestId('policy-balance')).toHaveText('KES 36,000.00');
  await expect(motor).not.toContainText('Overdue');
  await page.goto('/dashboard/payments');
  await expect(page.getByTestId('payment-row').first()).toContainText('KES 12,000.00');
  await expect(page.getByTestId('payment-row').first().getByTestId('status-badge')).toHaveText('Paid');
  await snap(page, '06-payments');
});

test('a cancelled prompt shows the reason and a Retry, and charges nothing', async ({ page }) => {
  await signIn(page);
  const afya = page.getByTestId('policy-card').filter({ hasText: 'MLP-AFY-240342' });
  const before = await afya.getByTestId('policy-balance').textContent();
  await afya.getByRole('link', { name: /^Pay / }).click();
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();

  const phone = await answerOnPhone(page, HOLDER.phoneLocal, 'Cancel');
  await phone.close();

  await expect(page.getByRole('heading', { name: 'Payment cancelled' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('failure-reason')).toContainText('cancelled');
  await snap(page, '07-cancelled');
  await page.getByRole('link', { name: 'Retry' }).click();
  await expect(page.getByRole('heading', { name: 'Pay premium' })).toBeVisible();

  await page.goto('/dashboard');
  await expect(afya.getByTestId('policy-balance')).toHaveText(before!);
});

test("signed-out visitors are sent to sign in, and another holder's policy is not found", async ({ page, browser }) => {
  await page.goto('/pay/00000000-0000-4000-8000-000000000000');
  await expect(page).toHaveURL(/\/login/);
  // Find a policy of the second holder, in a browser of their own…
  const otherContext = await browser.newContext({ viewport: page.viewportSize()! });
  const other = await otherContext.newPage();
  await signIn(other, { email: 'otieno@example.com', password: 'malipo-demo', phoneLocal: '0722000111' });
  const theirs = await other.getByRole('link', { name: /^Pay / }).first().getAttribute('href');
  expect(theirs).toMatch(/^\/pay\/[0-9a-f-]{36}$/);
  await otherContext.close();
  // …which the demo holder can neither see nor pay.
  await signIn(page);
  const res = await page.goto(theirs!);
  expect(res?.status()).toBe(404);
});
