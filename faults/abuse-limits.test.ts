// Payment initiation is rate-limited per user and per phone; failed sign-ins are slowed down.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { payments } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { recordFailedSignIn, signInBlocked } from '@/lib/auth/signin-guard';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { startHarness, type Harness } from '@/tests/harness';

let h: Harness;
beforeAll(async () => {
  process.env.RATE_LIMIT_PAYMENTS_PER_USER = '6';
  process.env.RATE_LIMIT_PAYMENTS_PER_PHONE = '3';
  process.env.RATE_LIMIT_FAILED_SIGNINS = '5';
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const countPayments = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(payments))[0].n;

test('M-Pesa prompts to one phone number are limited, then refused with a clear message', async () => {
  const outcomes: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 100_000, phone: '0712345678' });
    outcomes.push(r.ok ? 'ok' : r.code);
    if (r.ok && !r.existing) {
      const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
      await respondToPrompt(h.db, prompt.id, 'cancel');
    }
  }
  expect(outcomes).toEqual(['ok', 'ok', 'ok', 'rate_limited']);
  const before = await countPayments();
  const refused = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 100_000, phone: '0712345678' });
  expect(refused).toMatchObject({ ok: false, code: 'rate_limited' });
  expect(!refused.ok && refused.error).toMatch(/Too many M-Pesa prompts to this number\. Please wait \d+ minutes?/);
  expect(await countPayments()).toBe(before); // nothing created, no prompt sent
});

test('payment attempts per user are limited across methods', async () => {
  // 5 attempts so far (4 + 1 above); the 6th is allowed, the 7th refused.
  const sixth = await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor: 100_000 });
  expect(sixth.ok).toBe(true);
  const seventh = await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor: 100_000 });
  expect(seventh).toMatchObject({ ok: false, code: 'rate_limited' });
  // Another holder is not affected.
  const other = await initiateCardPayment(h.db, h.card, h.other, { policyId: (await otherPolicy()).id, amountMinor: 100_000 });
  expect(other.ok).toBe(true);
});

test('after 5 failed sign-ins an email is refused for a while; other emails are not', async () => {
  // Counted per account and client address (tests/signin-security.test.ts covers other addresses).
  const email = 'Wanjiku@Example.com';
  const address = '203.0.113.7';
  for (let i = 0; i < 4; i++) await recordFailedSignIn(h.db, email, address);
  expect(await signInBlocked(h.db, email, address)).toBeNull();
  await recordFailedSignIn(h.db, email, address);
  expect(await signInBlocked(h.db, 'wanjiku@example.com', address)).toMatch(/Too many failed sign-ins/);
  expect(await signInBlocked(h.db, 'otieno@example.com', address)).toBeNull();
});

async function otherPolicy() {
  const { listPolicies } = await import('@/lib/policies');
  return (await listPolicies(h.db, h.other))[0];
}
