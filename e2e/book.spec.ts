import { expect, test, type Page } from '@playwright/test';
import { snap } from './helpers';

const STAFF = { email: 'staff@malipo.test', password: 'malipo-staff' };
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 360, height: 780 };

/** The same page at desktop width and at phone width. */
async function snapBoth(page: Page, name: string) {
  await page.setViewportSize(DESKTOP);
  await snap(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await snap(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

test('an admin uploads the template with bad rows, previews, confirms, watches it import, and the holder gets in', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto('/login?callbackUrl=/staff/book');
  await page.getByLabel('Email').fill(STAFF.email);
  await page.getByLabel('Password').fill(STAFF.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Load the book' })).toBeVisible();
  await snapBoth(page, '80-book-upload');

  // The published template, with a second holder on a shared phone and three bad rows appended.
  const template = await (await page.request.get('/api/v1/staff/book/template')).text();
  expect(template.split('\r\n')[0]).toContain('client_id,holder_name,phone,email');
  const file =
    template +
    'CL-000124,Baraka Otieno,0712345678,baraka.o@example.com,,POL/2026/0002,Motor Private,,active,2026-01-01,2026-12-31,2026-02-01,"3,000",,\r\n' +
    'CL-000125,Bad Phone,0812,bad1@example.com,,POL/2026/0003,Motor Private,,active,2026-01-01,2026-12-31,2026-02-01,1000,,\r\n' +
    'CL-000126,Bad Amount,0712000126,bad2@example.com,,POL/2026/0004,Motor Private,,active,2026-01-01,2026-12-31,2026-02-01,12.345,,\r\n' +
    'CL-000127,Bad Date,0712000127,bad3@example.com,,POL/2026/0005,Motor Private,,active,2026-01-01,2026-12-31,31/02/2026,1000,,\r\n' +
    // Enough further policies for several batches, so the progress bar has something to show.
    Array.from({ length: 1500 }, (_, i) => {
      const n = String(i).padStart(4, '0');
      return `BULK-${n},Bulk Holder ${n},07${20000000 + i},bulk${n}@example.com,,BULK/${n},Motor Private,,active,2026-01-01,2026-12-31,2026-03-01,500,,\r\n`;
    }).join('');
  await page.getByLabel('Book file (CSV)').setInputFiles({ name: 'book.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  await page.getByRole('button', { name: 'Upload and preview' }).click();

  await expect(page.getByRole('heading', { name: 'Preview: nothing is written yet' })).toBeVisible();
  await expect(page.getByTestId('count-holders')).toContainText('1,502');
  await expect(page.getByTestId('count-policies')).toContainText('1,502');
  await expect(page.getByTestId('count-installments')).toContainText('1,503');
  const rejected = page.getByTestId('rejected-row');
  await expect(rejected).toHaveCount(3);
  await expect(rejected.nth(0)).toContainText('Line 5');
  await expect(rejected.nth(0)).toContainText('Phone "0812" is not a Kenyan mobile number.');
  await expect(rejected.nth(1)).toContainText('Line 6');
  await expect(rejected.nth(1)).toContainText('amount');
  await expect(rejected.nth(2)).toContainText('31/02/2026');
  // Wanjiku (a demo holder) already uses 0712345678: flagged, kept apart.
  await expect(page.getByTestId('shared-phones')).toContainText('CL-000124');
  await snapBoth(page, '81-book-preview');
  // Every rejected row, as CSV for fixing the file.
  const importId = page.url().split('/').pop();
  const rejectedCsv = await (await page.request.get(`/api/v1/staff/book/imports/${importId}/rejected`)).text();
  expect(rejectedCsv).toContain('5,phone,POL/2026/0003,"Phone ""0812"" is not a Kenyan mobile number."');

  await page.getByTestId('confirm-import').getByRole('button', { name: 'Confirm and import' }).click();
  // Batches of 25 policies with a pause here (scripts/e2e-server.ts): the bar shows them being written, then the report replaces it.
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await snapBoth(page, '82-book-importing');
  await expect(page.getByTestId('import-result')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'Imported' })).toBeVisible();
  await expect(page.getByTestId('import-result').getByTestId('count-policies')).toContainText('1,502');
  await snapBoth(page, '82-book-imported');

  // The imported holder, policy and schedule.
  await page.goto('/staff/holders?q=CL-000123');
  await page.getByRole('link', { name: 'Achieng Otieno' }).click();
  const policy = page.getByTestId('holder-policy');
  await expect(policy).toContainText('POL/2026/0001');
  await expect(policy).toContainText('Elimu Education Plan');
  await expect(policy.getByTestId('installment')).toHaveCount(2);
  await expect(policy.getByTestId('installment-amount').first()).toHaveText('KES 1,200.50');
  await expect(policy.getByTestId('holder-policy-balance')).toHaveText('KES 2,401.00');
  // A life product: standing in words, with its 30-day grace period (never a claim about cover).
  await expect(policy.getByTestId('premium-standing')).toContainText('30-day grace period');
  await page.getByTestId('send-invite').getByRole('button', { name: 'Send invite email' }).click();
  await expect(page.getByText(/Invite sent to achieng@example.com/)).toBeVisible();
  await snapBoth(page, '83-staff-holder');

  await page.goto('/staff/book/products');
  const product = page.getByTestId('product').filter({ hasText: 'Elimu Education Plan' });
  await expect(product.getByLabel('Grace days (life only)')).toHaveValue('30');
  await snapBoth(page, '84-products');

  // The invite from the outbox: set a password once, then sign in and see the policy.
  const holder = await browser.newContext();
  const h = await holder.newPage();
  await h.goto('/sandbox/outbox?to=achieng@example.com');
  const body = await h.getByTestId('outbox-body').first().innerText();
  const link = /\/set-password\/[A-Za-z0-9_-]+/.exec(body)![0];
  await h.goto(link);
  await h.getByLabel('New password (at least 12 characters)').fill('achieng-secret-1');
  await h.getByLabel('The same password again').fill('achieng-secret-1');
  await snap(h, '85-set-password-phone');
  await h.getByRole('button', { name: 'Save password' }).click();
  await expect(h.getByTestId('password-set')).toBeVisible();
  await h.goto(link);
  await expect(h.getByTestId('link-expired')).toBeVisible();
  await h.goto('/login');
  await h.getByLabel('Email').fill('achieng@example.com');
  await h.getByLabel('Password').fill('achieng-secret-1');
  await h.getByRole('button', { name: 'Sign in' }).click();
  await expect(h).toHaveURL(/\/dashboard$/);
  await expect(h.getByTestId('policy-card').filter({ hasText: 'POL/2026/0001' })).toBeVisible();
  await expect(h.getByText('POL/2026/0002')).toHaveCount(0);
  await holder.close();
  await context.close();
});
