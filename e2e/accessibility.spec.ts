// Every page of the build, signed in as the kind of user it is for, checked with axe at phone
// and desktop width: no serious or critical violations. The route list is read from the build's
// own manifest, so a new page without an entry below fails this test until it is covered.
// Each page is also photographed at 360 px and 1366 px (test-results/screenshots/a11y-*).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { answerOnPhone, signIn, snap } from './helpers';

const STAFF = { email: 'staff@malipo.test', password: 'malipo-staff', phoneLocal: '' };
const ADMIN = { email: 'admin@malipo.test', password: 'malipo-admin', phoneLocal: '' };
// An id nothing has: the page's own "not found" answer is what gets checked.
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
// The second demo holder: the other browser specs count on the first one's seeded balances.
const HOLDER = { email: 'otieno@example.com', password: 'malipo-demo', phoneLocal: '0722000111' };
const POLICY = 'MLP-MOT-240999';
const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1366, height: 900 };

type Who = 'nobody' | 'holder' | 'staff' | 'admin';
type Ids = {
  policyId: string;
  waitingId: string;
  paidId: string;
  cardId: string;
  checkoutPath: string;
  receiptNo: string;
};

// Route (as the manifest names it) → who looks at it, and the address to open.
const PAGES: Record<string, { who: Who; url: (ids: Ids) => string }> = {
  '/': { who: 'holder', url: () => '/' },
  '/login': { who: 'nobody', url: () => '/login' },
  '/_not-found': { who: 'nobody', url: () => '/no-such-page' },
  '/dashboard': { who: 'holder', url: () => '/dashboard' },
  '/dashboard/payments': { who: 'holder', url: () => '/dashboard/payments' },
  '/dashboard/cards': { who: 'holder', url: () => '/dashboard/cards' },
  '/dashboard/refunds': { who: 'holder', url: () => '/dashboard/refunds' },
  '/dashboard/refunds/new': { who: 'holder', url: (i) => `/dashboard/refunds/new?payment=${i.paidId}` },
  '/dashboard/policies/[id]': { who: 'holder', url: (i) => `/dashboard/policies/${i.policyId}` },
  '/pay/[policyId]': { who: 'holder', url: (i) => `/pay/${i.policyId}` },
  '/pay/mpesa/[transactionId]': { who: 'holder', url: (i) => `/pay/mpesa/${i.waitingId}` },
  '/pay/success/[transactionId]': { who: 'holder', url: (i) => `/pay/success/${i.paidId}` },
  '/sandbox/paystack/checkout/[accessCode]': { who: 'holder', url: (i) => i.checkoutPath },
  // After the checkout page: coming back "cancelled" closes that card payment.
  '/pay/card/[transactionId]': { who: 'holder', url: (i) => `/pay/card/${i.cardId}?cancelled=1` },
  '/receipts/verify': { who: 'nobody', url: () => '/receipts/verify' },
  '/receipts/verify/[receiptNo]': { who: 'nobody', url: (i) => `/receipts/verify/${i.receiptNo}` },
  '/sandbox/phone': { who: 'holder', url: () => `/sandbox/phone?phone=${HOLDER.phoneLocal}` },
  '/sandbox/outbox': { who: 'holder', url: () => '/sandbox/outbox' },
  '/staff': { who: 'staff', url: () => '/staff' },
  '/staff/transactions': { who: 'staff', url: () => '/staff/transactions' },
  '/staff/transactions/[id]': { who: 'staff', url: (i) => `/staff/transactions/${i.paidId}` },
  '/staff/refunds': { who: 'staff', url: () => '/staff/refunds' },
  '/staff/audit': { who: 'staff', url: () => '/staff/audit' },
  '/staff/money': { who: 'staff', url: () => '/staff/money' },
  '/staff/reconciliation': { who: 'staff', url: () => '/staff/reconciliation' },
  '/staff/reconciliation/upload': { who: 'staff', url: () => '/staff/reconciliation/upload' },
  // A day no statement covered: the page's own empty answer.
  '/staff/reconciliation/[day]': { who: 'staff', url: () => '/staff/reconciliation/2026-01-15' },
  '/staff/unallocated': { who: 'staff', url: () => '/staff/unallocated' },
  '/staff/holders': { who: 'staff', url: () => '/staff/holders' },
  '/staff/holders/[id]': { who: 'staff', url: () => `/staff/holders/${NO_SUCH_ID}` },
  '/staff/book': { who: 'staff', url: () => '/staff/book' },
  '/staff/book/products': { who: 'staff', url: () => '/staff/book/products' },
  '/staff/book/imports/[id]': { who: 'staff', url: () => `/staff/book/imports/${NO_SUCH_ID}` },
  '/staff/security': { who: 'admin', url: () => '/staff/security' },
  '/staff/team': { who: 'admin', url: () => '/staff/team' },
  '/staff/integrations': { who: 'admin', url: () => '/staff/integrations' },
  '/account/two-factor': { who: 'staff', url: () => '/account/two-factor' },
  // A link that no longer works (used or expired): the page a late click lands on.
  '/set-password/[token]': { who: 'nobody', url: () => `/set-password/${'x'.repeat(43)}` },
  '/login/code': { who: 'nobody', url: () => '/login/code' },
  '/claim': { who: 'nobody', url: () => '/claim' },
  '/pay': { who: 'nobody', url: () => '/pay' },
  // A link that is not valid: the page says so (a real one signs in and moves on to the pay page).
  '/p/[token]': { who: 'nobody', url: () => `/p/${'x'.repeat(36)}` },
  '/sandbox/outbox/sms': { who: 'nobody', url: () => `/sandbox/outbox/sms?phone=${HOLDER.phoneLocal}` },
};
// Not a page anyone can open: drawn only when the root layout itself throws.
const UNREACHABLE = new Set(['/_global-error']);

function manifestPages(): string[] {
  const file = path.join(process.cwd(), '.next', 'app-path-routes-manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return Object.entries(manifest)
    .filter(([entry]) => entry.endsWith('/page'))
    .map(([, route]) => route)
    .filter((route) => !UNREACHABLE.has(route));
}

async function seriousViolations(page: Page) {
  // A page that re-renders itself (the sandbox phone refreshes every 2 s) may be between two renders
  // of its <title>: let it settle first. A page with no title at all still fails axe's document-title.
  await page.waitForFunction(() => document.title !== '', null, { timeout: 3_000 }).catch(() => {});
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
}

async function contextFor(browser: Browser, who: Who) {
  const context = await browser.newContext({ viewport: PHONE, isMobile: false });
  const page = await context.newPage();
  if (who === 'holder') await signIn(page, HOLDER);
  if (who === 'staff' || who === 'admin') {
    const account = who === 'admin' ? ADMIN : STAFF;
    await page.goto('/login?callbackUrl=/staff');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/staff$/);
  }
  return { context, page };
}

/** Payments in every state the pages need: paid, waiting, and a card checkout. */
async function makeIds(page: Page): Promise<Ids> {
  const openPayForm = async () => {
    await page.goto('/dashboard');
    await page.getByTestId('policy-card').filter({ hasText: POLICY }).getByRole('link', { name: /^Pay / }).click();
    await expect(page).toHaveURL(/\/pay\/[0-9a-f-]{36}$/);
  };
  const payMpesa = async (amount: string) => {
    await page.getByLabel('Amount (KES)').fill(amount);
    await page.getByRole('checkbox', { name: /I agree/ }).check();
    await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
    await expect(page).toHaveURL(/\/pay\/mpesa\//);
  };
  await openPayForm();
  const policyId = page.url().split('/pay/')[1];
  await payMpesa('100');
  (await answerOnPhone(page, HOLDER.phoneLocal, 'Enter PIN (pay)')).close();
  await expect(page).toHaveURL(/\/pay\/success\//, { timeout: 15_000 });
  const paidId = page.url().split('/pay/success/')[1];
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim();

  // A card checkout left open, then an M-Pesa payment left waiting (both on the one policy).
  await openPayForm();
  await page.getByRole('radio', { name: 'Card' }).check();
  if (await page.getByRole('radio', { name: 'A new card' }).count()) await page.getByRole('radio', { name: 'A new card' }).check();
  await page.getByLabel('Amount (KES)').fill('70');
  await page.getByRole('checkbox', { name: /I agree/ }).check();
  await page.getByRole('button', { name: 'Pay with card' }).click();
  await expect(page).toHaveURL(/\/sandbox\/paystack\/checkout\//);
  const checkoutPath = new URL(page.url()).pathname;
  await page.goto('/dashboard/payments');
  const cardRow = page.getByTestId('payment-row').filter({ hasText: 'KES 70.00' }).first();
  const cardId = (await cardRow.getByRole('link', { name: /^Details/ }).getAttribute('href'))!.split('/').pop()!;

  await openPayForm();
  await payMpesa('50');
  const waitingId = page.url().split('/pay/mpesa/')[1];
  return { policyId, waitingId, paidId, cardId, checkoutPath, receiptNo };
}

test('every page: no serious or critical axe violations, at phone and desktop width', async ({ browser }) => {
  test.setTimeout(420_000);
  const routes = manifestPages();
  const missing = routes.filter((r) => !PAGES[r]);
  expect(missing, 'pages in the build that this test does not visit yet').toEqual([]);

  const sessions = {
    nobody: await contextFor(browser, 'nobody'),
    holder: await contextFor(browser, 'holder'),
    staff: await contextFor(browser, 'staff'),
    admin: await contextFor(browser, 'admin'),
  };
  const ids = await makeIds(sessions.holder.page);
  const problems: string[] = [];
  for (const route of Object.keys(PAGES).filter((r) => routes.includes(r))) {
    const { who, url } = PAGES[route];
    const page = sessions[who].page;
    await page.goto(url(ids));
    await page.waitForLoadState('load');
    const name = `a11y${route.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || '-home'}`;
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(150);
      await snap(page, `${name}-${size.width}`);
      for (const v of await seriousViolations(page)) problems.push(`${route} @${size.width}px: ${v}`);
    }
    await page.setViewportSize(PHONE);
  }
  // Leave nothing waiting: the other specs pay on this policy too. (The sandbox lets an unanswered
  // prompt lapse after a minute, so it may be closed already.)
  const phone = await sessions.holder.context.newPage();
  await phone.goto(`/sandbox/phone?phone=${HOLDER.phoneLocal}`);
  const cancel = phone.getByTestId('stk-prompt').first().getByRole('button', { name: 'Cancel' });
  if (await cancel.count()) await cancel.click();
  await phone.close();
  for (const s of Object.values(sessions)) await s.context.close();
  expect(problems).toEqual([]);
});
