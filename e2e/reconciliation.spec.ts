// The daily close in the sandbox: finance injects a break (money paid straight to the paybill that
// no payment of ours knows), downloads the sandbox M-Pesa statement for that day, uploads it, sees
// the break with its evidence, resolves it, and signs the day off; the day is then locked.
import fs from 'node:fs';
import { expect, test, type Browser, type Page } from './fixtures';
import { snap } from './helpers';

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 360, height: 780 };

async function financeSignIn(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ viewport: DESKTOP, acceptDownloads: true })).newPage();
  await page.goto('/login?callbackUrl=/staff');
  await page.getByLabel('Email').fill('staff@malipo.test');
  await page.getByLabel('Password').fill('malipo-staff');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  return page;
}

test('finance uploads the sandbox M-Pesa statement with an injected break, resolves it, and closes the day', async ({ browser }) => {
  test.setTimeout(120_000);
  // A past day of its own (no other test pays on it), different on every run.
  const d = new Date(Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 300) * 86400_000);
  const day = d.toISOString().slice(0, 10);
  const page = await financeSignIn(browser);

  await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Reconciliation' }).click();
  await page.getByRole('link', { name: 'Upload the M-Pesa statement' }).click();
  await expect(page.getByRole('heading', { name: 'Upload the M-Pesa statement' })).toBeVisible();

  // Sandbox: money paid straight to the paybill, with an account number that is no policy.
  const inject = page.getByTestId('inject-break');
  await inject.getByLabel('Statement', { exact: true }).selectOption('mpesa');
  await inject.getByLabel('Day', { exact: true }).fill(day);
  await inject.getByLabel('Break').selectOption('uncredited');
  await inject.getByLabel('Amount (KES)').fill('1234');
  await inject.getByRole('button', { name: 'Inject the break' }).click();
  await expect(page.getByTestId('action-result')).toContainText('Sandbox: injected');

  // The statement the portal would export for that day.
  await page.getByLabel('Day', { exact: true }).first().fill(day);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the sandbox M-Pesa statement' }).click()]);
  const file = await download.path();
  const csv = fs.readFileSync(file, 'utf8');
  expect(csv).toContain('Receipt No.');
  expect(csv).toContain('1,234.00');

  await page.getByTestId('statement-upload').getByLabel('Statement file (CSV)').setInputFiles({ name: `mpesa-statement-${day}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and match' }).click();
  await expect(page.getByTestId('action-result')).toContainText(`Imported 1 new line for ${day}; 1 break found.`);
  await page.setViewportSize(PHONE);
  await snap(page, 'recon-01-upload-phone');

  await page.goto('/staff/reconciliation');
  const row = page.getByTestId('recon-day').filter({ hasText: 'M-Pesa' }).filter({ hasText: '1 open break' }).first();
  await expect(row).toBeVisible();
  await snap(page, 'recon-02-days-phone');
  await page.goto(`/staff/reconciliation/${day}`);

  const channel = page.getByTestId('recon-channel-mpesa');
  const brk = channel.getByTestId('recon-break');
  await expect(brk).toHaveCount(1);
  await expect(brk).toContainText('Money in, not credited');
  await expect(brk).toContainText('KES 1,234.00');
  await brk.getByText('Evidence').click();
  await expect(brk.locator('pre')).toContainText('WALK-IN PAYER');
  // Closing with the break open is refused in words.
  await channel.getByRole('button', { name: 'Sign off and close M-Pesa' }).click();
  await expect(page.getByTestId('action-result')).toContainText('Resolve every break of this day before closing it');
  await snap(page, 'recon-03-day-open-phone');

  const form = brk.getByTestId('resolve-break');
  await form.getByLabel('How').selectOption('refunded');
  await form.getByLabel('What you found / reason').fill('Not ours: the payer used a wrong paybill; reversed by Safaricom.');
  await form.getByLabel('Reference (pay-back or other code)').fill('SBXREVERS1');
  await form.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByTestId('action-result')).toContainText('Resolved as refunded (SBXREVERS1)');
  await expect(brk.getByTestId('break-resolution')).toContainText('Refunded by Amina Finance');

  await channel.getByRole('button', { name: 'Sign off and close M-Pesa' }).click();
  await expect(page.getByTestId('action-result')).toContainText('is closed and locked');
  await expect(channel.getByTestId('day-closed')).toContainText('Closed by Amina Finance');
  // Locked: no resolve or close forms are offered any more.
  await expect(channel.getByRole('button', { name: /Sign off and close/ })).toHaveCount(0);
  await expect(channel.getByTestId('resolve-break')).toHaveCount(0);
  await snap(page, 'recon-04-day-closed-phone');
  await page.setViewportSize(DESKTOP);
  await snap(page, 'recon-04-day-closed-desktop');

  // The report lists the closed day.
  const report = await page.request.get(`/api/v1/staff/reconciliation/report?from=${day}&to=${day}`);
  expect(report.status()).toBe(200);
  const text = await report.text();
  expect(text).toContain(`${day},mpesa,closed`);
  await page.goto('/staff');
  await expect(page.getByTestId('recon-overview')).toBeVisible();
  await page.setViewportSize(PHONE);
  await snap(page, 'recon-05-overview-phone');
  await page.context().close();
});
