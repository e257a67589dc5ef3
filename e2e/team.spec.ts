// Going live with a real team: an admin invites a finance member through the outbox link, who sets
// a password and approves a refund that a support member raised for a holder; four eyes and roles
// are visible on the pages; deactivating ends the member's session at once.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { answerOnPhone, HOLDER, signIn, snap } from './helpers';

const ADMIN = { email: 'admin@malipo.test', password: 'malipo-admin' };
const SUPPORT = { email: 'support@malipo.test', password: 'malipo-staff' };
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 360, height: 780 };

async function staffSignIn(browser: Browser, who: { email: string; password: string }, viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto('/login?callbackUrl=/staff');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  return page;
}

async function snapBoth(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize(DESKTOP);
  await snap(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await snap(page, `${name}-phone`);
  await page.setViewportSize(size);
}

test('an admin invites a finance member, who sets a password and approves a refund support raised for a holder', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const email = `faith.${Date.now()}@insurer.example`;

  // A holder pays KES 500 by M-Pesa.
  await signIn(page);
  await page.goto('/dashboard');
  await page.getByTestId('policy-card').filter({ hasText: 'MLP-AFY-240342' }).getByRole('link', { name: /^Pay / }).click();
  await page.getByRole('radio', { name: 'M-Pesa' }).check();
  await page.getByLabel('Amount (KES)').fill('500');
  await page.getByLabel('M-Pesa phone number').fill(HOLDER.phoneLocal);
  await page.getByRole('checkbox', { name: /I agree/ }).check();
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  const phone = await answerOnPhone(page, HOLDER.phoneLocal, 'Enter PIN (pay)');
  await phone.close();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 20_000 });
  const paymentId = new URL(page.url()).pathname.split('/').pop()!;
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim();

  // Support raises a refund on the holder's behalf; support sees no approve button anywhere.
  const support = await staffSignIn(browser, SUPPORT);
  await expect(support.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Team' })).toHaveCount(0);
  await support.goto(`/staff/transactions/${paymentId}`);
  const raise = support.getByTestId('raise-refund');
  await raise.getByLabel('Amount to refund (KES)').fill('200');
  await raise.getByLabel('Reason the holder gave').fill('Holder called: paid KES 200 too much.');
  await expect(support.getByTestId('resend-receipt')).toBeVisible();
  await expect(support.getByTestId('decide-refund')).toHaveCount(0);
  await snapBoth(support, 'team-00-support-payment-actions');
  await raise.getByRole('button', { name: 'Raise refund' }).click();
  await expect(support.getByTestId('action-result')).toContainText('Refund raised');
  await support.goto('/staff/refunds');
  const supportView = support.getByTestId('staff-refund').filter({ hasText: 'Holder called: paid KES 200 too much.' });
  await expect(supportView.getByTestId('refund-raised-by')).toContainText('Chebet Support (support)');
  await expect(supportView.getByTestId('decide-refund')).toHaveCount(0);
  await support.context().close();

  // The admin invites a finance member; the admin cannot open money pages.
  const admin = await staffSignIn(browser, ADMIN);
  await expect(admin.getByRole('link', { name: 'Manage the team' })).toBeVisible();
  await expect(admin.getByTestId('collected-today')).toHaveCount(0);
  await snapBoth(admin, 'team-00-admin-overview');
  const nav = admin.getByRole('navigation', { name: 'Staff' });
  await expect(nav.getByRole('link', { name: 'Team' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Refunds' })).toHaveCount(0);
  expect((await admin.goto('/staff/refunds'))?.status()).toBe(404);
  await admin.goto('/staff/team');
  const invite = admin.getByTestId('invite-staff');
  await invite.getByLabel('Name').fill('Faith Finance');
  await invite.getByLabel('Email').fill(email);
  await invite.getByLabel('Role').selectOption('finance');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(admin.getByTestId('action-result')).toContainText(`Invited ${email} as Finance`);
  const member = admin.getByTestId('team-member').filter({ hasText: email });
  await expect(member).toContainText('Invited: has not set a password yet');
  await snapBoth(admin, 'team-01-invited');

  // The invitation, in the sandbox outbox, carries the one-time link.
  const finance = await (await browser.newContext({ viewport: PHONE })).newPage();
  await finance.goto(`/sandbox/outbox?to=${encodeURIComponent(email)}`);
  const body = finance.getByTestId('outbox-message').filter({ hasText: 'invited to the Malipo staff console' }).getByTestId('outbox-body');
  await expect(body).toContainText('Choose your password here');
  const link = /https?:\/\/\S+\/set-password\/[A-Za-z0-9_-]{43}/.exec((await body.textContent())!)![0];
  const linkPath = new URL(link).pathname;
  await finance.goto(linkPath);
  await expect(finance.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await expect(finance.getByText(email)).toBeVisible();
  await snap(finance, 'team-02-set-password-phone');
  await finance.getByLabel(/New password/).fill('short');
  await finance.getByLabel('The same password again').fill('short');
  await finance.getByRole('button', { name: 'Save password' }).click();
  await expect(finance.getByTestId('set-password-error')).toContainText('at least 12 characters');
  await finance.getByLabel(/New password/).fill('faith-finance-2026!');
  await finance.getByLabel('The same password again').fill('faith-finance-2026!');
  await finance.getByRole('button', { name: 'Save password' }).click();
  await expect(finance.getByTestId('password-set')).toBeVisible();
  await finance.getByLabel('Email').fill(email);
  await finance.getByLabel('Password').fill('faith-finance-2026!');
  await finance.getByRole('button', { name: 'Sign in' }).click();
  await expect(finance.getByRole('heading', { name: 'Overview' })).toBeVisible();

  // The link worked once; a second visit is refused.
  const again = await (await browser.newContext()).newPage();
  await again.goto(linkPath);
  await expect(again.getByTestId('link-expired')).toBeVisible();
  await again.context().close();

  // The new finance member approves the refund support raised, and records the M-Pesa pay-out.
  await finance.setViewportSize(DESKTOP);
  await finance.goto('/staff/refunds');
  const refund = finance.getByTestId('staff-refund').filter({ hasText: 'Holder called: paid KES 200 too much.' });
  await expect(refund.getByTestId('refund-raised-by')).toContainText('Chebet Support (support)');
  await refund.getByRole('radio', { name: /Approve/ }).check();
  await refund.getByLabel(/Note/).fill('Overpayment confirmed on the M-Pesa statement.');
  await refund.getByRole('button', { name: 'Save decision' }).click();
  await expect(finance.getByTestId('action-result')).toContainText('Approved. Send the money by M-Pesa');
  await finance.goto('/staff/refunds?tab=in-flight');
  const approved = finance.getByTestId('staff-refund').filter({ hasText: 'Holder called: paid KES 200 too much.' });
  await expect(approved.getByTestId('refund-decided-by')).toContainText('Faith Finance');
  const payoutCode = `UK${Date.now().toString(36).toUpperCase().slice(-8)}`;
  await approved.getByLabel('M-Pesa transaction code').fill(payoutCode);
  await snapBoth(finance, 'team-03-refund-approved');
  await approved.getByRole('button', { name: 'Record M-Pesa pay-out' }).click();
  await expect(finance.getByTestId('action-result')).toContainText(`Recorded pay-out ${payoutCode}`);

  // The receipt is unchanged; the verify page shows it with its refund note.
  await finance.goto(`/receipts/verify/${receiptNo}`);
  await expect(finance.getByTestId('verified-amount')).toHaveText('KES 500.00');
  await expect(finance.getByTestId('verified-status')).toHaveText('Paid, partly refunded');
  await expect(finance.getByTestId('verified-refund-notes')).toContainText(/RF-[0-9A-Z]{10}/);
  await expect(finance.getByTestId('verified-refund-notes')).toContainText('KES 200.00');
  await snapBoth(finance, 'team-04-verify-with-refund-note');

  // The team page shows the last sign-in; deactivating ends the member's session at once.
  await admin.reload();
  await expect(member).toContainText('Last signed in');
  await member.getByRole('button', { name: 'Deactivate' }).click();
  await expect(admin.getByTestId('action-result')).toContainText('deactivated and signed out everywhere');
  await expect(member.getByTestId('member-role')).toHaveText('Deactivated');
  await snapBoth(admin, 'team-05-deactivated');
  await admin.goto('/staff/audit');
  for (const action of ['Invited a staff member', 'Deactivated a staff member', 'Raised a refund for a holder']) await expect(admin.getByTestId('audit-log')).toContainText(action);

  await finance.goto('/staff/refunds');
  await expect(finance).toHaveURL(/\/login/);
  await finance.getByLabel('Email').fill(email);
  await finance.getByLabel('Password').fill('faith-finance-2026!');
  await finance.getByRole('button', { name: 'Sign in' }).click();
  await expect(finance.getByTestId('form-error')).toBeVisible();
  await finance.context().close();
  await admin.context().close();
});
