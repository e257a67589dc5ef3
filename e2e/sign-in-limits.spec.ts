// Failed sign-ins through the real server: the limit is counted against the address the TCP
// connection came from, so forging X-Forwarded-For (TRUSTED_PROXY_HOPS is 0 here) changes nothing.
// An account nobody uses is the target: every browser test shares this one address.
import { expect, test } from './fixtures';
import { HOLDER, signIn } from './helpers';

test('five wrong passwords lock that account from this address, whatever X-Forwarded-For says; others sign in', async ({ page }) => {
  test.setTimeout(90_000);
  const target = 'nobody-here@example.com';
  const attempt = async (forged: string) => {
    await page.setExtraHTTPHeaders({ 'X-Forwarded-For': forged });
    await page.getByLabel('Email').fill(target);
    await page.getByLabel('Password').fill('guess');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled({ timeout: 20_000 });
    return (await page.getByTestId('form-error').textContent()) ?? '';
  };
  await page.goto('/login');
  const messages: string[] = [];
  for (let i = 1; i <= 6; i++) messages.push(await attempt(`203.0.113.${i}`));
  expect(messages.slice(0, 5)).toEqual(Array(5).fill('That email and password do not match an account.'));
  expect(messages[5]).toBe('Too many failed sign-ins. Please wait 15 minutes and try again.');

  // Only that account is locked from here: the holder signs in from the same address.
  await page.setExtraHTTPHeaders({});
  await signIn(page, HOLDER);
});
