import fs from 'node:fs';
import { expect, test, type Page } from './fixtures';
import { answerOnPhone, HOLDER, signIn, snap } from './helpers';

const AFYA = 'MLP-AFY-240342';
const todayInNairobi = () => new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
const count = (page: Page, card: string) => page.getByTestId(`summary-${card}-count`);

async function openFilters(page: Page) {
  const details = page.locator('form[role=search] details');
  if (!(await details.evaluate((d: HTMLDetailsElement) => d.open))) await details.locator('summary').click();
}

// Pays KES 1,000 towards the health cover (the motor policy is left alone for mpesa.spec.ts).
async function payAfyaByMpesa(page: Page) {
  await page.getByTestId('policy-card').filter({ hasText: AFYA }).getByRole('link', { name: /^Pay / }).click();
  await expect(page.getByRole('heading', { name: 'Pay premium' })).toBeVisible();
  await page.getByLabel('Amount (KES)').fill('1000');
  await page.getByRole('checkbox', { name: /I agree/ }).check();
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  const phone = await answerOnPhone(page, HOLDER.phoneLocal, 'Enter PIN (pay)');
  await phone.close();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  return (await page.getByTestId('mpesa-receipt').textContent())!;
}

test('history: pay, filter by status and dates, search, download the CSV, open the schedule', async ({ page }) => {
  test.setTimeout(150_000); // one long journey: a payment, five filtered page loads, a download, two pages
  await signIn(page);
  const receipt = await payAfyaByMpesa(page);
  expect(receipt).toMatch(/^[A-Z0-9]{10}$/);

  await page.goto('/dashboard/payments');
  const newest = page.getByTestId('payment-row').first();
  await expect(newest).toContainText('KES 1,000.00');
  await expect(newest).toContainText(`M-Pesa ${receipt}`);
  await expect(newest.getByTestId('status-badge')).toHaveText('Paid');
  await expect(newest.getByRole('link', { name: /^Receipt/ })).toHaveAttribute('href', /\/api\/v1\/payments\/[0-9a-f-]{36}\/receipt$/);
  await expect(newest.getByRole('link', { name: /^Details/ })).toHaveAttribute('href', /\/pay\/success\/[0-9a-f-]{36}$/);
  const total = Number(await count(page, 'total').textContent());
  expect(total).toBeGreaterThanOrEqual(1);
  await snap(page, '20-history');

  // Status: only what was paid.
  await openFilters(page);
  await page.getByLabel('Status', { exact: true }).selectOption('completed');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/\/dashboard\/payments\?status=completed$/);
  await expect(count(page, 'pending')).toHaveText('0');
  await expect(count(page, 'failed')).toHaveText('0');
  const paid = Number(await count(page, 'completed').textContent());
  await expect(count(page, 'total')).toHaveText(String(paid));
  await expect(page.getByTestId('active-filters')).toHaveText('Paid');
  for (const badge of await page.getByTestId('status-badge').all()) await expect(badge).toHaveText('Paid');
  await snap(page, '21-history-paid');

  // Dates (Nairobi): today has the payment; January 2020 has nothing, and says what to do.
  const today = todayInNairobi();
  await openFilters(page);
  await page.getByLabel('From', { exact: true }).fill(today);
  await page.getByLabel('To', { exact: true }).fill(today);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`status=completed&from=${today}&to=${today}$`));
  await expect(page.getByTestId('payment-row').filter({ hasText: receipt })).toHaveCount(1);
  await expect(page.getByTestId('active-filters')).toHaveText(/^Paid · \d{1,2} \w{3} \d{4}$/);
  await openFilters(page);
  await page.getByLabel('From', { exact: true }).fill('2020-01-01');
  await page.getByLabel('To', { exact: true }).fill('2020-01-31');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('history-empty')).toContainText('No payments match these filters');
  await expect(page.getByTestId('history-empty').getByRole('link', { name: 'choose a policy to pay' })).toHaveAttribute('href', '/dashboard');
  await expect(count(page, 'total')).toHaveText('0');
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveCount(0);
  await expect(page.getByTestId('active-filters')).toHaveText('Paid · 1 Jan 2020 – 31 Jan 2020');
  await snap(page, '22-history-empty');
  await openFilters(page);
  await snap(page, '22b-history-filters-open');

  // Search by the M-Pesa code as typed from an SMS (lower case, spaces): exactly this payment.
  await page.getByRole('link', { name: 'Clear all' }).click();
  await expect(page).toHaveURL(/\/dashboard\/payments$/);
  await expect(count(page, 'total')).toHaveText(String(total));
  await page.getByLabel('Search by M-Pesa code or reference').fill(` ${receipt.slice(0, 5).toLowerCase()} ${receipt.slice(5).toLowerCase()}`);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`\\?q=${receipt}$`));
  await expect(page.getByTestId('payment-row')).toHaveCount(1);
  await expect(count(page, 'total')).toHaveText('1');
  await expect(page.getByTestId('summary-total-amount')).toHaveText('KES 1,000.00');
  await snap(page, '23-history-search');

  // The CSV of what is on screen.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^malipo-payments-\d{8}\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('Date (EAT),Reference,Policy number,Product,Method,Status,Amount (KES),M-Pesa receipt,Paystack reference,Card,Refunded (KES),Receipt number');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`,${AFYA},Afya Family Health Cover,M-Pesa,Paid,1000.00,${receipt},,`);
  expect(lines[1].startsWith(today)).toBe(true);

  // The policy's schedule from the dashboard.
  await page.goto('/dashboard');
  await snap(page, '24-dashboard-links');
  await page.getByTestId('policy-card').filter({ hasText: AFYA }).getByRole('link', { name: /^View schedule/ }).click();
  await expect(page).toHaveURL(/\/dashboard\/policies\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Afya Family Health Cover' })).toBeVisible();
  await expect(page.getByTestId('installment')).toHaveCount(6);
  await expect(page.locator('[data-testid="installment"][data-state="partly_paid"]')).toHaveCount(1);
  await expect(page.getByTestId('ledger-line').filter({ hasText: 'Payment received' }).first()).toBeVisible();
  // The running balance ends at the outstanding balance.
  await expect(page.getByTestId('running-balance').last()).toHaveText((await page.getByTestId('policy-balance').textContent())!);
  await expect(page.getByRole('link', { name: 'Pay next installment' })).toHaveAttribute('href', /^\/pay\/[0-9a-f-]{36}$/);
  await snap(page, '25-policy-schedule');
});

test('the overdue policy shows its overdue installment, and a bookmarked bad filter is cleaned up', async ({ page }) => {
  await signIn(page);
  // /dashboard lists the overdue policy first.
  const first = page.getByTestId('policy-card').first();
  await expect(first).toContainText('Overdue');
  await first.getByRole('link', { name: /^View schedule/ }).click();
  await expect(page.getByTestId('installment').first()).toHaveAttribute('data-state', 'overdue');
  await expect(page.getByTestId('installment-state').first()).toHaveText('Overdue');
  await snap(page, '26-policy-overdue');

  await page.goto('/dashboard/payments?status=bogus&method=&from=2026-02-30&q=');
  await expect(page).toHaveURL(/\/dashboard\/payments$/);
});

test("another holder's policy is not found, and the CSV needs a signed-in holder", async ({ page, browser, request }) => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, { ...HOLDER, email: 'otieno@example.com' });
  const href = await otherPage.getByRole('link', { name: /^View schedule/ }).first().getAttribute('href');
  const theirCsv = await otherPage.request.get('/api/v1/payments/export');
  expect(theirCsv.status()).toBe(200);
  expect(await theirCsv.text()).not.toContain(AFYA);
  await other.close();

  await signIn(page);
  expect((await page.goto(href!))?.status()).toBe(404);
  expect((await page.goto('/dashboard/policies/not-a-policy'))?.status()).toBe(404);

  const anonymous = await request.get('/api/v1/payments/export');
  expect(anonymous.status()).toBe(401);
});
