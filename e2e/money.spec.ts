// Money by hand under four eyes: support raises an allocation of money received outside the app;
// finance approves it and it is booked; the raiser never sees an approve button.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { snap } from './helpers';

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 360, height: 780 };

async function staffSignIn(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  await page.goto('/login?callbackUrl=/staff');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  return page;
}

test('support raises an allocation by hand; a finance member approves it and it is booked', async ({ browser }) => {
  test.setTimeout(120_000);
  const code = `UM${Date.now().toString(36).toUpperCase().slice(-8)}`;
  const support = await staffSignIn(browser, 'support@malipo.test', 'malipo-staff');
  await support.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Money by hand' }).click();
  const form = support.getByTestId('raise-movement');
  await form.getByLabel('What').selectOption('allocation');
  await form.getByLabel('Policy number').fill('MLP-MOT-240999');
  await form.getByLabel('Amount (KES)').fill('250');
  await form.getByLabel(/M-Pesa code of the money received/).fill(code);
  await form.getByLabel('Reason').fill('Paid to the paybill with a wrong account number.');
  await form.getByRole('button', { name: 'Raise' }).click();
  await expect(support.getByTestId('action-result')).toContainText('Allocation of KES 250.00 raised');
  const row = support.getByTestId('movement').filter({ hasText: code });
  await expect(row).toContainText('Raised by');
  await expect(row.getByTestId('decide-movement')).toHaveCount(0);
  await support.context().close();

  const finance = await staffSignIn(browser, 'staff@malipo.test', 'malipo-staff');
  await finance.goto('/staff/money');
  const toDecide = finance.getByTestId('movement').filter({ hasText: code });
  await expect(toDecide).toContainText('Chebet Support');
  await toDecide.getByRole('radio', { name: 'Approve' }).check();
  await toDecide.getByLabel('Note (required)').fill('Seen on the paybill statement.');
  await toDecide.getByRole('button', { name: 'Save decision' }).click();
  await expect(finance.getByTestId('action-result')).toContainText('Approved and booked: KES 250.00 credited to the policy.');
  await expect(toDecide).toContainText('Approved by');
  await snap(finance, 'money-01-approved-desktop');
  await finance.setViewportSize(PHONE);
  await snap(finance, 'money-01-approved-phone');
  await finance.context().close();
});
