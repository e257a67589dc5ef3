// An M-Pesa payment with the keyboard alone: sign in, reach the pay button, fill and send the
// form, and read the result, with Tab, Space and Enter only (no clicks, no fill()).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { answerOnPhone, HOLDER, snap } from './helpers';

/** Presses Tab until `target` has the focus (fails after `max` presses). */
async function tabTo(page: Page, target: Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${target} with Tab`);
}

async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

test('keyboard only: sign in, pay by M-Pesa, see the receipt', async ({ page }) => {
  await page.goto('/login');
  await typeInto(page, page.getByLabel('Email'), HOLDER.email);
  await typeInto(page, page.getByLabel('Password'), HOLDER.password);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/dashboard$/);

  await tabTo(page, page.getByRole('link', { name: 'Pay Afya Family Health Cover MLP-AFY-240342' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Pay premium' })).toBeVisible();
  await typeInto(page, page.getByLabel('Amount (KES)'), '250');
  await tabTo(page, page.getByRole('checkbox', { name: /I agree/ }));
  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { name: /I agree/ })).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Pay with M-Pesa' }));
  await snap(page, 'keyboard-pay-focused');
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\/pay\/mpesa\//);
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  // The simulated phone stands in for the holder's own handset.
  (await answerOnPhone(page, HOLDER.phoneLocal, 'Enter PIN (pay)')).close();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  await expect(page.getByTestId('success-amount')).toHaveText('KES 250.00');
  await tabTo(page, page.getByRole('link', { name: 'Download receipt (PDF)' }));
});
