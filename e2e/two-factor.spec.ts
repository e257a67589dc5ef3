// Two-factor sign-in for staff in the browser: the admin requires it, is sent to set it up, scans
// (reads) the key, confirms a code, keeps recovery codes; then signs in with password + code and
// with a recovery code; a staff member without it cannot open the console until they set it up.
// The requirement is switched off again at the end so the other specs' staff sign-in stays as it was.
import fs from 'node:fs';
import { generateSync } from 'otplib';
import { expect, test, type Page } from './fixtures';

const ADMIN = { email: 'admin@malipo.test', password: 'malipo-admin' };
const STAFF = { email: 'staff@malipo.test', password: 'malipo-staff' };

/** The same page at 360 px (phone) and 1366 px (desktop), into test-results/screenshots. */
async function snapBoth(page: Page, name: string) {
  const dir = `${process.env.E2E_OUTPUT_DIR || 'test-results'}/screenshots`;
  fs.mkdirSync(dir, { recursive: true });
  const before = page.viewportSize();
  for (const [w, h, tag] of [[360, 780, 'phone'], [1366, 900, 'desktop']] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${dir}/${name}-${tag}.png`, fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

async function passwordStep(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs out by dropping the cookies, once no prefetch is still in flight to set them again. */
async function forget(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.goto('about:blank');
  await page.context().clearCookies();
}

const code = (secret: string, offsetSeconds = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

test('admin requires two-factor, sets it up, and signs in with a code and with a recovery code', async ({ page, browser }) => {
  await passwordStep(page, ADMIN);
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/security');
  await expect(page.getByTestId('staff-two-factor-setting')).toContainText('password alone');
  await snapBoth(page, 'staff-security');
  await page.getByRole('button', { name: 'Require for all staff' }).click();

  // The admin has not set it up yet: the console now sends them to do so first.
  await expect(page).toHaveURL(/\/account\/two-factor\?required=1$/);
  await expect(page.getByText('Your administrator requires two-factor sign-in')).toBeVisible();
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(page.getByTestId('totp-qr').locator('svg')).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await snapBoth(page, 'two-factor-setup');
  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByTestId('form-error')).toContainText('did not match');
  await page.getByLabel('Code from the app').fill(code(secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
  expect(new Set(codes).size).toBe(10);
  await snapBoth(page, 'two-factor-recovery-codes');
  await expect(page.getByTestId('totp-qr')).toHaveCount(0); // the QR code is gone once it is on
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/security');
  await expect(page.getByRole('row', { name: /Daudi Admin/ })).toContainText('On since');
  await expect(page.getByRole('row', { name: /Amina Finance/ })).toContainText('Not set up');

  // Sign in again: the password alone is not enough.
  await forget(page);
  await passwordStep(page, ADMIN);
  await expect(page.getByLabel('Code')).toBeVisible();
  await snapBoth(page, 'login-code-step');
  await page.getByLabel('Code').fill('123456');
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByTestId('form-error')).toContainText('That code did not work');
  await page.getByLabel('Code').fill(code(secret, 30)); // the next 30-second code (this one was used to enrol)
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/staff$/);

  // A recovery code works once.
  await forget(page);
  await passwordStep(page, ADMIN);
  await page.getByLabel('Code').fill(codes[0]);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await forget(page);
  await passwordStep(page, ADMIN);
  await page.getByLabel('Code').fill(codes[0]);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByTestId('form-error')).toContainText('That code did not work');

  // A staff member without two-factor signs in with their password, but every staff page sends
  // them to set it up first, and staff-only routes refuse them.
  const other = await browser.newContext();
  const staffPage = await other.newPage();
  await passwordStep(staffPage, STAFF);
  await expect(staffPage).toHaveURL(/\/account\/two-factor\?required=1$/);
  await staffPage.goto('/staff/transactions');
  await expect(staffPage).toHaveURL(/\/account\/two-factor\?required=1$/);
  const exportRes = await staffPage.request.get('/api/v1/staff/transactions/export');
  expect(exportRes.status()).toBe(403);
  await other.close();

  // Back on the admin's code step (the spent code was refused): another recovery code, then switch it off.
  await page.getByLabel('Code').fill(codes[1]);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/security');
  await page.getByRole('button', { name: 'Stop requiring it' }).click();
  await expect(page.getByTestId('staff-two-factor-setting')).toContainText('password alone');
  await expect(page.getByRole('row', { name: /Daudi Admin/ })).toContainText('On since');
  await snapBoth(page, 'staff-security-admin');

  // Lost phone and codes: an admin resets a staff member's two-factor (here their own).
  await page.getByRole('button', { name: 'Reset two-factor for Daudi Admin' }).click();
  await expect(page.getByRole('row', { name: /Daudi Admin/ })).toContainText('Not set up');
});
