import { expect, test, type Browser, type Page } from './fixtures';
import { answerOnPhone, HOLDER, signIn, snap } from './helpers';

const STAFF = { email: 'staff@malipo.test', password: 'malipo-staff' };
const FINANCE2 = { email: 'finance2@malipo.test', password: 'malipo-staff' };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 412, height: 915 };

async function staffPage(browser: Browser, who = STAFF): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto('/login?callbackUrl=/staff');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  return page;
}

/** The same page at desktop width and at phone width. */
async function snapBoth(page: Page, name: string) {
  await page.setViewportSize(DESKTOP);
  await snap(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await snap(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

async function startPayment(page: Page, policyNumber: string, method: 'M-Pesa' | 'Card', amount: string) {
  await page.goto('/dashboard');
  await page.getByTestId('policy-card').filter({ hasText: policyNumber }).getByRole('link', { name: /^Pay / }).click();
  await page.getByRole('radio', { name: method }).check();
  if (method === 'Card' && (await page.getByRole('radio', { name: 'A new card' }).count())) await page.getByRole('radio', { name: 'A new card' }).check();
  await page.getByLabel('Amount (KES)').fill(amount);
  await page.getByRole('checkbox', { name: /I agree/ }).check();
}

test('a holder asks for a card refund, staff approve it, Paystack processes it and the holder sees it refunded', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await startPayment(page, 'MLP-AFY-240342', 'Card', '500');
  await page.getByRole('button', { name: 'Pay with card' }).click();
  await expect(page).toHaveURL(/\/sandbox\/paystack\/checkout\//);
  await page.getByLabel('Card number').fill('4084084084084081');
  await page.getByLabel('Expiry (MM/YY)').fill('12/30');
  await page.getByLabel('CVV').fill('408');
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 20_000 });
  const paymentId = page.url().split('/').pop()!;

  // The holder's entry point: /dashboard/refunds/new?payment=<id>
  await page.goto(`/dashboard/refunds/new?payment=${paymentId}`);
  await expect(page.getByRole('heading', { name: 'Request a refund' })).toBeVisible();
  await page.getByLabel('Amount to refund (KES)').fill('600');
  await page.getByLabel('Why do you want a refund?').fill('I paid this installment twice by mistake.');
  await page.getByRole('button', { name: 'Request refund' }).click();
  await expect(page.getByText(/at most KES 500\.00/)).toBeVisible();
  await page.getByLabel('Amount to refund (KES)').fill('500');
  await snap(page, '60-refund-request');
  await page.getByRole('button', { name: 'Request refund' }).click();
  await expect(page).toHaveURL(/\/dashboard\/refunds\?requested=/);
  const mine = page.getByTestId('refund-row').first();
  await expect(mine.getByTestId('refund-status')).toHaveText('Requested');
  await snap(page, '61-refund-requested');

  const staff = await staffPage(browser);
  await expect(staff.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(staff.getByTestId('collected-today')).toContainText('KES');
  await snapBoth(staff, '62-staff-overview');
  await staff.goto('/staff/refunds');
  const request = staff.getByTestId('staff-refund').filter({ hasText: 'I paid this installment twice by mistake.' }).first();
  await expect(request).toContainText('KES 500.00 of KES 500.00');
  await snapBoth(staff, '63-staff-refunds');
  await request.getByRole('radio', { name: /Approve/ }).check();
  await request.getByLabel(/Note/).fill('Duplicate payment confirmed on the statement.');
  await request.getByRole('button', { name: 'Save decision' }).click();
  await expect(staff.getByTestId('action-result')).toContainText(/Approved\. Sent to Paystack/, { timeout: 20_000 });

  // Paystack's refund.pending then refund.processed webhooks arrive within seconds.
  await expect(async () => {
    await page.goto('/dashboard/refunds');
    await expect(page.getByTestId('refund-row').first().getByTestId('refund-status')).toHaveText('Refunded', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId('refund-row').first()).toContainText('The money has been sent back to you.');
  await snap(page, '64-holder-refunded');
  // Refunded everywhere: history's badge, the success page (no second refund offered), and emails.
  await page.goto(`/dashboard/payments?q=${encodeURIComponent((await page.getByTestId('refund-row').first().textContent())!.match(/payment (MLP-[A-Z0-9]+)/)![1])}`);
  await expect(page.getByTestId('payment-row').first().getByTestId('status-badge')).toHaveText('Refunded');
  await page.goto(`/pay/success/${paymentId}`);
  await expect(page.getByTestId('refund-state')).toContainText('KES 500.00 of it was refunded to you.');
  await expect(page.getByRole('link', { name: 'Request a refund' })).toHaveCount(0);
  await expect(async () => {
    await page.goto('/sandbox/outbox');
    await expect(page.getByText('Refund sent: KES 500.00').first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText('Refund approved: KES 500.00').first()).toBeVisible();

  await staff.goto(`/staff/transactions/${paymentId}`);
  await expect(staff.getByTestId('ledger-lines')).toContainText('Refund of payment');
  await expect(staff.getByTestId('timeline-gateway').filter({ hasText: 'refund.processed' })).toHaveCount(1);
  await staff.getByTestId('timeline-gateway').filter({ hasText: 'refund.processed' }).locator('summary').click();
  await snapBoth(staff, '65-staff-card-payment-refunded');
  await staff.context().close();
});

test('staff find a stuck M-Pesa payment by phone number and resolve it with "check now"', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await startPayment(page, 'MLP-MOT-240117', 'M-Pesa', '500');
  await page.getByLabel('M-Pesa phone number').fill(HOLDER.phoneLocal);
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  const paymentId = page.url().split('/').pop()!.split('?')[0];

  const staff = await staffPage(browser);
  await staff.goto('/staff/transactions');
  await staff.getByLabel('Search').fill('0712 345 678');
  await staff.getByLabel('Status').selectOption('pending');
  await staff.getByRole('button', { name: 'Search' }).click();
  await expect(staff).toHaveURL(/q=0712\+345\+678/);
  const link = staff.locator(`table a[href="/staff/transactions/${paymentId}"]`);
  await expect(link).toBeVisible();
  await snapBoth(staff, '66-staff-search-by-phone');
  await link.click();
  await expect(staff.getByTestId('payment-amount')).toHaveText('KES 500.00');
  await expect(staff.getByTestId('status-badge').first()).toHaveText('Pending');

  // Nobody has answered the prompt yet: M-Pesa has no final answer.
  await staff.getByRole('button', { name: 'Check with the gateway now' }).click();
  await expect(staff.getByTestId('action-result')).toContainText(/no final answer yet/);
  // The customer pays, but M-Pesa's callback never reaches us (sandbox tool; see lib/staff/sandbox-lost-callback.ts).
  await staff.getByRole('button', { name: 'Pay, but lose the callback' }).click();
  await expect(staff.getByTestId('action-result')).toContainText(/callback was lost/);
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible(); // still pending on our side
  await snapBoth(staff, '67-staff-pending-mpesa');
  await staff.getByRole('button', { name: 'Check with the gateway now' }).click();
  await expect(staff.getByTestId('action-result')).toContainText(/confirms it was paid/);
  await staff.reload();
  await expect(staff.getByTestId('status-badge').first()).toHaveText('Paid');
  await expect(staff.getByTestId('flag-reason')).toContainText(/receipt number not yet known/);
  await expect(staff.getByTestId('ledger-lines')).toContainText('-KES 500.00');
  await snapBoth(staff, '68-staff-resolved-by-check-now');

  // The holder's waiting page moves on by itself.
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 20_000 });

  // Staff clear the flag after checking; the audit log shows every action.
  await staff.getByLabel('Note (required)').fill('Receipt seen on the M-Pesa statement.');
  await staff.getByRole('button', { name: 'Mark as checked' }).click();
  await expect(staff.getByTestId('action-result')).toContainText(/left the review queue/);
  await staff.goto('/staff/audit');
  // In words: what was done, on which payment (by reference), amounts in KES; no codes or ids.
  for (const action of [
    'Checked a payment with the gateway',
    'Sandbox: dropped an M-Pesa callback',
    'Marked a flagged payment as checked',
    'Approved a refund',
  ]) {
    await expect(staff.getByTestId('audit-log')).toContainText(action);
  }
  await expect(staff.getByTestId('audit-log')).not.toContainText('amountMinor');
  await expect(staff.getByTestId('audit-log')).not.toContainText(paymentId);
  await staff.getByLabel('What').selectOption({ label: 'Approved a refund' });
  await staff.getByRole('button', { name: 'Filter' }).click();
  await expect(staff).toHaveURL(/what=refund\.approve/);
  await expect(staff.getByTestId('audit-entry')).toHaveCount(1);
  await expect(staff.getByTestId('audit-entry')).toContainText('Amount');
  await expect(staff.getByTestId('audit-entry')).toContainText('KES 500.00');
  const auditCsv = await staff.request.get('/api/v1/staff/audit/export?what=refund.approve');
  expect(auditCsv.status()).toBe(200);
  expect(await auditCsv.text()).toContain('Approved a refund');
  await snapBoth(staff, '69-staff-audit');

  const csv = await staff.request.get(`/api/v1/staff/transactions/export?q=${paymentId}`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text.trim().split('\r\n')).toHaveLength(2);
  expect(text).toContain(',completed,mpesa,500.00,KES,Wanjiku Kamau,');
  await staff.context().close();
});

test('a staff member watching a pending payment sees the callback land without reloading', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await startPayment(page, 'MLP-AFY-240342', 'M-Pesa', '250');
  await page.getByLabel('M-Pesa phone number').fill(HOLDER.phoneLocal);
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  const paymentId = page.url().split('/').pop()!.split('?')[0];

  const staff = await staffPage(browser);
  await staff.goto(`/staff/transactions/${paymentId}`);
  await expect(staff.getByTestId('status-badge').first()).toHaveText('Pending');
  await expect(staff.getByTestId('live-status')).toContainText('updates by itself');
  // A full page load would lose this; an in-place refresh keeps it.
  await staff.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  // The customer enters the PIN; Daraja's callback is stored, queued and applied by the worker.
  const phone = await answerOnPhone(page, HOLDER.phoneLocal, 'Enter PIN (pay)');
  await phone.close();
  await expect(staff.getByTestId('status-badge').first()).toHaveText('Paid', { timeout: 15_000 });
  await expect(staff.getByTestId('live-status')).toHaveCount(0);
  await expect(staff.getByTestId('ledger-lines')).toContainText('-KES 250.00');
  expect(await staff.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true); // refreshed in place
  await staff.context().close();
});

test('a policyholder cannot reach the staff console, its export or its actions', async ({ page }) => {
  await signIn(page);
  const res = await page.request.get('/api/v1/staff/transactions/export');
  expect(res.status()).toBe(403);
  const anonymous = await page.context().browser()!.newContext();
  expect((await anonymous.request.get('/api/v1/staff/transactions/export')).status()).toBe(401);
  await anonymous.close();
  for (const path of ['/staff', '/staff/transactions', '/staff/refunds', '/staff/audit']) {
    await page.goto(path);
    // The proxy turns a holder away before the page (and the page itself would answer 404).
    expect(new URL(page.url()).pathname).not.toMatch(/^\/staff/);
    await expect(page.getByRole('navigation', { name: 'Staff' })).toHaveCount(0);
  }
});

test('a payment held for review is decided by two finance members: one proposes, another confirms', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await startPayment(page, 'MLP-MOT-240117', 'M-Pesa', '300');
  await page.getByLabel('M-Pesa phone number').fill(HOLDER.phoneLocal);
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  const paymentId = page.url().split('/').pop()!.split('?')[0];

  // Sandbox: the phone pays KES 1 less than asked; M-Pesa's callback says so, and we hold it.
  const amina = await staffPage(browser);
  await amina.goto(`/staff/transactions/${paymentId}`);
  await amina.getByRole('button', { name: 'Pay a different amount' }).click();
  await expect(amina.getByTestId('action-result')).toContainText(/held for review/);
  await expect(async () => {
    await amina.reload();
    await expect(amina.getByTestId('status-badge').first()).toHaveText('Under review', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(amina.getByTestId('flag-reason')).toContainText(/differs/);

  // Amina proposes "accept as paid": nothing changes until someone else confirms.
  await amina.getByRole('radio', { name: 'Accept as paid' }).check();
  await amina.getByLabel('Amount that arrived, KES (to accept)').fill('299');
  await amina.getByLabel('Note (required)').fill('The statement shows KES 299 arrived; the holder agrees.');
  await amina.getByRole('button', { name: 'Propose decision' }).click();
  await expect(amina.getByTestId('action-result')).toContainText(/different finance member must confirm/);
  await amina.reload();
  await expect(amina.getByTestId('review-proposal')).toContainText('Waiting for a different finance member');
  await expect(amina.getByRole('button', { name: 'Confirm decision' })).toHaveCount(0);
  await expect(amina.getByTestId('status-badge').first()).toHaveText('Under review');
  await snapBoth(amina, '71-staff-review-proposed');

  // Brian, a second finance member, confirms it: now it is paid and booked.
  const brian = await staffPage(browser, FINANCE2);
  await brian.goto(`/staff/transactions/${paymentId}`);
  await expect(brian.getByTestId('review-proposal')).toContainText('Proposed: accept as paid');
  await expect(brian.getByTestId('review-proposal')).toContainText('Amina Finance');
  await expect(brian.getByTestId('proposal-amount')).toHaveText('KES 299.00 arrived (we asked for KES 300.00)');
  await snapBoth(brian, '72-staff-review-to-confirm');
  await brian.getByLabel('What you checked (required)').fill('Checked the statement too.');
  await brian.getByRole('button', { name: 'Confirm decision' }).click();
  await expect(brian.getByTestId('action-result')).toContainText(/Confirmed: accepted as paid/);
  await brian.reload();
  await expect(brian.getByTestId('status-badge').first()).toHaveText('Paid');
  // What arrived is what is credited.
  await expect(brian.getByTestId('payment-amount')).toHaveText('KES 299.00');
  await expect(brian.getByTestId('ledger-lines')).toContainText('-KES 299.00');
  await amina.context().close();
  await brian.context().close();
});
