// Issue 16 in the browser, phone-sized: claim an imported account with the SMS code from the sandbox
// outbox and pay; a reminder's pay link pays signed out in one tap; guest pay by policy number +
// phone; a signed-out visit comes back after sign-in. Screenshots at 360 px and 1366 px.
import { expect, test, type Page } from '@playwright/test';
import { answerOnPhone, HOLDER, signIn, snap } from './helpers';

const IMPORTED = { policy: 'MLP-EDU-250101', phoneLocal: '0711000333' };

/** The newest code SMS sent to `phoneLocal`, read from the sandbox's phone view. */
async function codeFromSandbox(page: Page, phoneLocal: string, shot?: string) {
  const phone = await page.context().newPage();
  let code: string | null = null;
  for (let i = 0; i < 30 && !code; i++) {
    await phone.goto(`/sandbox/outbox/sms?phone=${phoneLocal}`);
    const sms = phone.locator('[data-testid="sms-message"][data-kind="code"]').first();
    if (await sms.count()) code = /\b(\d{6})\b/.exec((await sms.getByTestId('sms-body').textContent()) ?? '')?.[1] ?? null;
    if (!code) await phone.waitForTimeout(500);
  }
  expect(code, `a code SMS to ${phoneLocal}`).toBeTruthy();
  if (shot) await snap(phone, shot);
  await phone.close();
  return code!;
}

async function enterCode(page: Page, code: string) {
  await expect(page.getByTestId('code-sent')).toBeVisible();
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('an imported holder claims the account with the SMS code and pays by M-Pesa', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Claim your account' }).click();
  await expect(page.getByRole('heading', { name: 'Claim your account' })).toBeVisible();
  await page.getByLabel('Policy number').fill(IMPORTED.policy.toLowerCase());
  await page.getByLabel('Phone number', { exact: true }).fill(IMPORTED.phoneLocal);
  await snap(page, 'access-01-claim');
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await expect(page.getByTestId('code-sent')).toContainText('If these match our records');
  const code = await codeFromSandbox(page, IMPORTED.phoneLocal, 'access-02-sandbox-sms');
  await enterCode(page, code);

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('policy-card')).toHaveCount(2);
  await expect(page.getByTestId('sms-reminders-state')).toHaveText('are on');
  await snap(page, 'access-03-claimed-dashboard');

  const edu = page.getByTestId('policy-card').filter({ hasText: IMPORTED.policy });
  await edu.getByRole('link', { name: /^Pay / }).click();
  await expect(page.getByLabel('M-Pesa phone number')).toHaveValue(IMPORTED.phoneLocal);
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  (await answerOnPhone(page, IMPORTED.phoneLocal, 'Enter PIN (pay)')).close();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  await expect(page.getByTestId('success-amount')).toHaveText('KES 4,500.00');

  // The setting stops SMS reminders.
  await page.goto('/dashboard');
  await page.getByTestId('sms-reminders').getByRole('button', { name: 'Turn off' }).click();
  await expect(page.getByTestId('sms-reminders-state')).toHaveText('are off');
});

test("a reminder's pay link opens the pay page signed out and pays in one tap; nothing else opens", async ({ page }) => {
  // The overdue reminder to Otieno (queued at start-up) carries the installment's pay link.
  let link: string | null = null;
  for (let i = 0; i < 20 && !link; i++) {
    await page.goto('/sandbox/outbox?to=otieno%40example.com');
    const reminder = page.getByTestId('outbox-message').filter({ hasText: 'Overdue: KES 2,500.00 for MLP-MOT-240999' }).first();
    if (await reminder.count()) link = /https?:\/\/\S+\/p\/[A-Za-z0-9_-]{36}/.exec((await reminder.getByTestId('outbox-body').textContent()) ?? '')?.[0] ?? null;
    if (!link) await page.waitForTimeout(500);
  }
  expect(link).toBeTruthy();
  await page.goto(link!);
  await expect(page).toHaveURL(/\/pay\/[0-9a-f-]{36}$/);
  const payPage = page.url();
  await expect(page.getByRole('heading', { name: 'Pay premium' })).toBeVisible();
  await expect(page.getByText('Motor Third Party · MLP-MOT-240999')).toBeVisible();
  await expect(page.getByTestId('phone-on-file')).toContainText('0722 •••111');
  await expect(page.getByLabel('M-Pesa phone number')).toHaveValue('');
  await expect(page.getByRole('link', { name: 'Payments' })).toHaveCount(0);
  await snap(page, 'access-04-pay-link');
  for (const [w, h] of [[360, 780], [1366, 900]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await snap(page, `access-w${w}-pay-link-page`);
  }
  await page.setViewportSize({ width: 412, height: 839 });

  // What is still owed on the installment (another spec may have paid part of it already).
  const due = Number(await page.getByLabel('Amount (KES)').inputValue());
  expect(due).toBeGreaterThan(0);
  expect(due).toBeLessThanOrEqual(2500);
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  (await answerOnPhone(page, '0722000111', 'Enter PIN (pay)')).close();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  await expect(page.getByTestId('success-amount')).toHaveText(`KES ${due.toLocaleString('en-KE')}.00`);
  await snap(page, 'access-05-pay-link-paid');
  const paymentId = page.url().split('/').pop()!;
  expect((await page.request.get(`/api/v1/payments/${paymentId}`)).status()).toBe(200);
  expect((await page.request.get(`/api/v1/payments/${paymentId}/receipt`)).status()).toBe(200);

  // Every other holder page sends this session to sign in; history and cards answer nothing.
  for (const path of ['/dashboard', '/dashboard/payments', '/dashboard/cards', '/dashboard/refunds']) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/login/);
  }
  const csv = await page.request.get('/api/v1/payments/export');
  expect(csv.status() === 401 || (await csv.text()).trim().split('\n').length === 1).toBe(true);
  await page.goto(payPage);
  await expect(page.getByRole('heading', { name: 'Pay premium' })).toBeVisible();

  // A broken link explains itself and offers guest pay.
  await page.goto(`${link!.slice(0, -4)}AAAA`);
  await expect(page.getByTestId('link-notice')).toContainText('not valid');
});

test('guest pay by policy number + phone: same answer for a wrong number, code opens the pay page', async ({ page }) => {
  await page.goto('/pay');
  await page.getByLabel('Policy number').fill('MLP-NOPE-000000');
  await page.getByLabel('Phone number').fill('0712345678');
  await page.getByRole('button', { name: 'Send me a code' }).click();
  const unknownAnswer = await page.getByTestId('code-sent').textContent();

  await page.goto('/pay');
  await page.getByLabel('Policy number').fill('MLP-AFY-240342');
  await page.getByLabel('Phone number').fill('0712 345 678');
  await snap(page, 'access-06-guest-pay');
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await expect(page.getByTestId('code-sent')).toHaveText(unknownAnswer!);
  await page.getByLabel('6-digit code').fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('form-error')).toContainText('not right');
  const code = await codeFromSandbox(page, HOLDER.phoneLocal);
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/pay\/[0-9a-f-]{36}$/);
  await expect(page.getByText('Afya Family Health Cover · MLP-AFY-240342')).toBeVisible();
  await expect(page.getByTestId('phone-on-file')).toContainText('0712 •••678');
  await snap(page, 'access-07-guest-pay-page');
});

test('a signed-out visit to a policy page returns there after sign-in (password or code)', async ({ page }) => {
  await signIn(page);
  const href = await page.getByRole('link', { name: /^View schedule of Motor/ }).getAttribute('href');
  // Signed out for sure (the cookie gone), whatever a sign-out click races with.
  await page.context().clearCookies();

  await page.goto(`${href}?from=reminder`);
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.getByLabel('Email').fill(HOLDER.email);
  await page.getByLabel('Password').fill(HOLDER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${href}\\?from=reminder$`));
  await page.context().clearCookies();

  // With a one-time code, by phone.
  await page.goto(href!);
  await page.getByTestId('sign-in-with-code').click();
  await page.getByLabel('Phone number or email').fill(HOLDER.phoneLocal);
  await snap(page, 'access-08-code-sign-in');
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await enterCode(page, await codeFromSandbox(page, HOLDER.phoneLocal));
  await expect(page).toHaveURL(new RegExp(`${href}$`));

  // Another origin is never a return address.
  await page.context().clearCookies();
  await page.goto('/login?callbackUrl=https%3A%2F%2Fevil.example%2Fsteal');
  await page.getByLabel('Email').fill(HOLDER.email);
  await page.getByLabel('Password').fill(HOLDER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/localhost:\d+\/dashboard$/);
});

test('screenshots of the new pages at 360 px and 1366 px', async ({ page }) => {
  for (const [w, h] of [[360, 780], [1366, 900]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const [path, name] of [['/login', 'login'], ['/login/code', 'code'], ['/claim', 'claim'], ['/pay', 'guest-pay'], ['/sandbox/outbox/sms', 'sandbox-sms'], ['/sandbox/outbox', 'sandbox-outbox']] as const) {
      await page.goto(path);
      await snap(page, `access-w${w}-${name}`);
    }
  }
});
