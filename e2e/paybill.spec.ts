// Paybill (M-Pesa C2B) in the browser: a holder pays from the SIM menu on the simulated phone with a
// slightly mistyped account and sees the payment in their history; staff allocate a payment no
// policy matched (raised by support, approved by finance) and the holder gets the receipt email.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from './fixtures';
import { signIn, snap } from './helpers';

const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1366, height: 900 };

async function payOnSimPhone(page: Page, o: { account: string; amount: string; name: string }) {
  const phone = await page.context().newPage();
  await phone.setViewportSize(PHONE);
  await phone.goto('/sandbox/phone#paybill');
  const screen = phone.getByRole('region', { name: 'Pay by Paybill' });
  await screen.getByLabel('Account number').fill(o.account);
  await screen.getByLabel('Amount (KES)').fill(o.amount);
  await screen.getByLabel(/Payer name/).fill(o.name);
  await screen.getByRole('button', { name: 'Send payment' }).click();
  const result = phone.getByTestId('paybill-result');
  await expect(result).toContainText('. M-Pesa receipt', { timeout: 20_000 });
  await expect(result).toContainText(`Paid KES ${o.amount} for account ${o.account}`);
  const transId = /receipt ([A-Z0-9]{10})/.exec((await result.textContent()) ?? '')?.[1];
  expect(transId).toBeTruthy();
  return { phone, transId: transId! };
}

/** The staff page with items on it (the accessibility spec sees it empty). */
async function axeSerious(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

async function staffSignIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  await page.goto('/login?callbackUrl=/staff');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('malipo-staff');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  return page;
}

test('a holder pays by Paybill with a slightly mistyped account and sees it in the history', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize(PHONE);
  await signIn(page);
  await page.getByTestId('policy-card').filter({ hasText: 'MLP-AFY-240342' }).getByRole('link', { name: /^Pay / }).click();
  const details = page.getByTestId('paybill-on-pay-page').getByTestId('paybill-details');
  await expect(details.getByTestId('paybill-business')).toHaveText('174379');
  await expect(details.getByTestId('paybill-account')).toHaveText('MLP-AFY-240342');
  await expect(details.getByRole('button', { name: 'Copy the Paybill account' })).toBeVisible();
  await snap(page, 'paybill-01-pay-page-phone');

  // One digit wrong (…343 for …342), paid from the holder's own SIM (name matches): credited.
  const { phone, transId } = await payOnSimPhone(page, { account: 'mlp afy 240343', amount: '321', name: 'Wanjiku Kamau' });
  await snap(phone, 'paybill-02-sim-phone');
  await phone.close();

  await expect(async () => {
    await page.goto('/dashboard/payments');
    const row = page.getByTestId('payment-row').filter({ hasText: transId });
    await expect(row).toContainText('KES 321.00', { timeout: 1000 });
    await expect(row).toContainText(`M-Pesa Paybill ${transId}`, { timeout: 1000 });
    await expect(row.getByTestId('status-badge')).toHaveText('Paid', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await snap(page, 'paybill-03-history-phone');
});

test('staff allocate an unmatched Paybill payment under four eyes; the holder gets the receipt', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const amount = String(400 + (Date.now() % 97));
  const { phone, transId } = await payOnSimPhone(page, { account: 'MOTOR 240999', amount, name: 'Peter Mwangi' });
  await phone.close();

  const support = await staffSignIn(browser, 'support@malipo.test');
  await support.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Unallocated' }).click();
  await support.getByLabel('Policy number, holder name or phone').fill('Otieno');
  await support.getByRole('button', { name: 'Search' }).click();
  await expect(support.getByTestId('policy-search-results')).toContainText('MLP-MOT-240999');
  const item = support.getByTestId('paybill-item').filter({ hasText: transId });
  await expect(item).toContainText('The account number matches no policy.');
  await item.getByLabel('Allocate to policy number').fill('mlp-mot-240999');
  await item.getByLabel('Why this policy (required)').fill('Otieno called: paid for his motor policy.');
  await item.getByRole('button', { name: 'Raise allocation' }).click();
  await expect(support.getByTestId('action-result')).toContainText('raised');
  await expect(item).toContainText('To approve');
  await expect(item.getByTestId('decide-paybill-allocation')).toHaveCount(0);
  expect(await axeSerious(support)).toEqual([]);
  await support.setViewportSize(PHONE);
  await snap(support, 'paybill-04-unallocated-raised-phone');
  expect(await axeSerious(support)).toEqual([]);
  await support.context().close();

  const finance = await staffSignIn(browser, 'staff@malipo.test');
  await finance.goto('/staff/unallocated');
  const toDecide = finance.getByTestId('paybill-item').filter({ hasText: transId });
  await expect(toDecide).toContainText('Chebet Support');
  expect(await axeSerious(finance)).toEqual([]);
  await toDecide.getByRole('radio', { name: 'Approve' }).check();
  await toDecide.getByLabel('Note (required)').fill('Seen on the Paybill statement.');
  await toDecide.getByRole('button', { name: 'Save decision' }).click();
  await expect(finance.getByTestId('action-result')).toContainText('Approved and credited');
  await expect(toDecide).toContainText('Allocated');
  await finance.setViewportSize(PHONE);
  await snap(finance, 'paybill-05-unallocated-approved-phone');
  await finance.context().close();

  // The holder's receipt email (sent by the worker).
  const kes = `KES ${Number(amount).toLocaleString('en-US')}.00`;
  await expect(async () => {
    await page.goto('/sandbox/outbox?to=otieno%40example.com');
    await expect(page.getByTestId('outbox-subject').filter({ hasText: `Payment received: ${kes} for MLP-MOT-240999` })).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
});

test('when the prompt cannot reach the phone, the Paybill is offered prominently', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize(PHONE);
  await signIn(page);
  const pay = async (phone: string) => {
    await page.goto('/dashboard');
    await page.getByTestId('policy-card').filter({ hasText: 'MLP-AFY-240342' }).getByRole('link', { name: /^Pay / }).click();
    await page.getByLabel('Amount (KES)').fill('100');
    await page.getByLabel('M-Pesa phone number').fill(phone);
    await page.getByRole('checkbox', { name: /I agree/ }).check();
    await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  };
  // Daraja answers 500: we cannot tell whether a prompt went out; the waiting page says so.
  await pay('0700000500');
  await expect(page).toHaveURL(/\/pay\/mpesa\//);
  const prominent = page.getByTestId('paybill-details');
  await expect(prominent).toHaveAttribute('data-prominent', 'true');
  await expect(prominent.getByRole('heading', { name: 'Pay from your SIM menu instead' })).toBeVisible();
  await expect(prominent.getByTestId('paybill-account')).toHaveText('MLP-AFY-240342');
  await expect(prominent.getByTestId('paybill-amount')).toHaveText('100');
  await snap(page, 'paybill-06-prompt-failed-phone');
});
