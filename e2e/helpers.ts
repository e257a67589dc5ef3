import { expect, type Page } from '@playwright/test';
import fs from 'node:fs';

export const HOLDER = { email: 'wanjiku@example.com', password: 'malipo-demo', phoneLocal: '0712345678' };

export async function signIn(page: Page, who: { email: string; password: string; phoneLocal?: string } = HOLDER, landing: RegExp = /\/dashboard$/) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(landing);
}

/** Phone-width screenshots kept as test artifacts (test-results/screenshots). */
export async function snap(page: Page, name: string) {
  const dir = `${process.env.E2E_OUTPUT_DIR || 'test-results'}/screenshots`;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** Answers the newest prompt sent to `phoneLocal` on the simulated phone. */
export async function answerOnPhone(page: Page, phoneLocal: string, button: RegExp | string, shot?: string) {
  const phone = await page.context().newPage();
  await phone.goto(`/sandbox/phone?phone=${phoneLocal}`);
  const prompt = phone.getByTestId('stk-prompt').first();
  await expect(prompt).toBeVisible();
  if (shot) await snap(phone, shot);
  await prompt.getByRole('button', { name: button }).click();
  return phone;
}
