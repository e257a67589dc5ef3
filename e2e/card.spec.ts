import { expect, test, type Page } from './fixtures';
import { signIn, snap } from './helpers';

async function startCardPayment(page: Page, policyNumber: string, opts: { saveCard?: boolean; savedCard?: string } = {}) {
  await page.goto('/dashboard');
  await page.getByTestId('policy-card').filter({ hasText: policyNumber }).getByRole('link', { name: /^Pay / }).click();
  await page.getByRole('radio', { name: 'Card' }).check();
  if (opts.savedCard) await page.getByRole('radio', { name: opts.savedCard }).check();
  else if (await page.getByRole('radio', { name: 'A new card' }).count()) await page.getByRole('radio', { name: 'A new card' }).check();
  if (opts.saveCard) await page.getByRole('checkbox', { name: /Save this card/ }).check();
  await page.getByRole('checkbox', { name: /I agree/ }).check();
}

async function fillCard(page: Page, number: string, cvv: string) {
  await expect(page).toHaveURL(/\/sandbox\/paystack\/checkout\//);
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry (MM/YY)').fill('12/30');
  await page.getByLabel('CVV').fill(cvv);
}

test('pay an installment by card, saving the card, and land on the success page', async ({ page }) => {
  await signIn(page);
  await startCardPayment(page, 'MLP-HOM-240508', { saveCard: true });
  await snap(page, '10-card-pay-form');
  await page.getByRole('button', { name: 'Pay with card' }).click();
  await fillCard(page, '4084084084084081', '408');
  await snap(page, '11-card-checkout');
  await page.getByRole('button', { name: /^Pay KES/ }).click();

  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 20_000 });
  await expect(page.getByTestId('success-amount')).toHaveText('KES 6,000.00');
  await expect(page.getByTestId('card-used')).toHaveText('Visa •••• 4081');
  await expect(page.getByTestId('balance-after')).toHaveText('KES 0.00');
  await snap(page, '12-card-success');
  await page.goto('/dashboard/cards');
  await expect(page.getByTestId('saved-card')).toHaveCount(1);
  await expect(page.getByTestId('saved-card')).toContainText('Visa •••• 4081');
});

test('a declined card shows the reason and a Retry', async ({ page }) => {
  await signIn(page);
  await startCardPayment(page, 'MLP-AFY-240342');
  await page.getByRole('button', { name: 'Pay with card' }).click();
  await fillCard(page, '4084080000005408', '001');
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page.getByTestId('checkout-error')).toContainText(/declined/i);
  await snap(page, '13-card-declined-checkout');
  await page.getByRole('button', { name: 'Cancel payment' }).click();

  await expect(page).toHaveURL(/\/pay\/card\/.*cancelled=1/);
  await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('failure-reason')).toContainText(/declined/i);
  await snap(page, '14-card-failed');
  await page.getByRole('link', { name: 'Retry' }).click();
  await expect(page.getByRole('heading', { name: 'Pay premium' })).toBeVisible();
});

test('pay the next installment with the saved card in one step', async ({ page }) => {
  await signIn(page);
  await startCardPayment(page, 'MLP-AFY-240342', { savedCard: 'Visa •••• 4081' });
  await snap(page, '15-saved-card-form');
  await page.getByRole('button', { name: 'Pay with Visa •••• 4081' }).click();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 20_000 });
  await expect(page.getByTestId('card-used')).toHaveText('Visa •••• 4081');
  await expect(page.getByTestId('success-amount')).toHaveText('KES 3,500.00');
  await snap(page, '16-saved-card-success');
});

test('removing a saved card asks first and can be undone', async ({ page }) => {
  await signIn(page);
  await page.goto('/dashboard/cards');
  const card = page.getByTestId('saved-card').filter({ hasText: 'Visa •••• 4081' });
  await card.getByRole('link', { name: 'Remove Visa •••• 4081' }).click();
  await expect(card.getByTestId('confirm-remove')).toContainText('Remove Visa •••• 4081?');
  await snap(page, '17-card-remove-confirm');
  await card.getByRole('link', { name: 'Keep it' }).click();
  await expect(page.getByTestId('saved-card')).toHaveCount(1);

  await card.getByRole('link', { name: 'Remove Visa •••• 4081' }).click();
  await card.getByRole('button', { name: 'Yes, remove it' }).click();
  await expect(page.getByTestId('card-removed')).toContainText('Visa •••• 4081 removed.');
  await expect(page.getByTestId('saved-card')).toHaveCount(0);
  await page.getByTestId('card-removed').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText('The card is back.')).toBeVisible();
  await expect(page.getByTestId('saved-card')).toHaveCount(1);
});

test('the Paystack webhook URL answers with or without a trailing slash, and refuses unsigned calls', async ({ request }) => {
  for (const path of ['/api/v1/payments/paystack/webhook', '/api/v1/payments/paystack/webhook/']) {
    const res = await request.post(path, { data: { event: 'charge.success', data: {} }, maxRedirects: 0 });
    expect(res.status()).toBe(401);
  }
});

test('declined, left the checkout, then went back and paid with another card: the money is credited', async ({ page }) => {
  await signIn(page);
  await startCardPayment(page, 'MLP-AFY-240342');
  await page.getByLabel('Amount (KES)').fill('200');
  await page.getByRole('button', { name: 'Pay with card' }).click();
  await fillCard(page, '4084080000005408', '001');
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page.getByTestId('checkout-error')).toContainText(/declined/i);
  await page.getByRole('button', { name: 'Cancel payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeVisible({ timeout: 15_000 });

  // Back to the same checkout, which Paystack keeps open, and a second card pays.
  await page.goBack();
  await fillCard(page, '4084084084084081', '408');
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 20_000 });
  await expect(page.getByTestId('success-amount')).toHaveText('KES 200.00');
  await page.goto('/dashboard/payments');
  await expect(page.getByTestId('payment-row').first()).toContainText('KES 200.00');
});
