// Every staff action x every role, through the real data-layer functions (not the pages): each role
// can do exactly its actions. A probe calls the action on an id that does not exist (or a harmless
// read), so "allowed" shows as not_found / a result, and "refused" as the forbidden answer.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { listAudit } from '@/lib/audit';
import { STAFF_ACTION_NAMES, type Role, type StaffAction } from '@/lib/auth/roles';
import { approveRefund, recordMpesaPayout, resendRefundToPaystack } from '@/lib/refunds/decide';
import { approveMovement, raiseMovement, recordCreditPayout } from '@/lib/movements/movements';
import { approvePaybillAllocation, markPaybillForRefund, raisePaybillAllocation } from '@/lib/paybill/allocate';
import { listStaffRefunds } from '@/lib/refunds/queries';
import { raiseRefundForHolder } from '@/lib/refunds/request';
import { assertStaff, ForbiddenError } from '@/lib/staff/access';
import { parseTransactionFilters } from '@/lib/staff/filters';
import { staffOverview } from '@/lib/staff/overview';
import { checkWithGateway, clearFlag } from '@/lib/staff/payment-actions';
import { declineReviewProposal, resolveReview } from '@/lib/staff/review-decision';
import { resendReceipt } from '@/lib/staff/resend-receipt';
import { simulateLostCallback } from '@/lib/sandbox/daraja/lost-callback';
import { setStaffTwoFactorRequired } from '@/lib/auth/two-factor/settings';
import { updateProduct } from '@/lib/book/products';
import { sendInvite } from '@/lib/book/invite';
import { retryDeadJob } from '@/lib/staff/dead-jobs';
import { revokeApiKey } from '@/lib/integration/keys';
import { listStaff } from '@/lib/staff/team';
import { searchTransactions } from '@/lib/staff/transactions';
import { transactionsCsvStream } from '@/lib/staff/csv-export';
import { closeDay, listReconDays, resolveBreak } from '@/lib/reconciliation/resolve';
import { uploadMpesaStatement } from '@/lib/reconciliation/upload';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
const viewers = {} as Record<Role, Viewer>;
beforeAll(async () => {
  h = await startHarness();
  for (const [role, key] of [['policyholder', 'holder'], ['admin', 'admin'], ['finance', 'staff'], ['support', 'support']] as const) {
    const [u] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS[key].email));
    expect(u.role).toBe(role);
    viewers[role] = { userId: u.id, role: u.role };
  }
});
afterAll(async () => {
  await h?.close();
});

const NOBODY = '3f0c9a4e-1111-4222-8333-944455556666';
const note = 'Checked on the statement';

/** true: the role got past the check; false: refused as forbidden. */
async function allowed(run: () => Promise<unknown>): Promise<boolean> {
  try {
    const r = await run();
    return !(r && typeof r === 'object' && 'code' in r && (r as { code: string }).code === 'forbidden');
  } catch (err) {
    if (err instanceof ForbiddenError) return false;
    throw err;
  }
}

const PROBES: Record<StaffAction, (v: Viewer) => Promise<unknown>> = {
  // The console's frame (every staff role); its overview figures are money, so payments.view.
  'console.view': async (v) => assertStaff(v, 'console.view'),
  'audit.view': (v) => listAudit(h.db, v),
  'payments.view': async (v) => {
    await staffOverview(h.db, v);
    await searchTransactions(h.db, v, parseTransactionFilters({}));
    await listStaffRefunds(h.db, v);
    await transactionsCsvStream(h.db, v, parseTransactionFilters({})).cancel();
  },
  'payments.check_gateway': (v) => checkWithGateway(h.db, v, NOBODY, h.checks),
  'payments.clear_flag': (v) => clearFlag(h.db, v, { paymentId: NOBODY, note }),
  'payments.resolve_review': (v) => resolveReview(h.db, v, { paymentId: NOBODY, decision: 'reject', note }),
  'receipts.resend': (v) => resendReceipt(h.db, v, NOBODY, { mailer: null }),
  'refunds.raise': (v) => raiseRefundForHolder(h.db, v, { paymentId: NOBODY, amountMinor: 100, reason: 'Asked by phone' }),
  'refunds.decide': (v) => approveRefund(h.db, v, { refundId: NOBODY, note }, { paystack: h.paystack }),
  'refunds.record_payout': (v) => recordMpesaPayout(h.db, v, { refundId: NOBODY, reference: 'UKP1ABCDEF' }),
  'refunds.resend': (v) => resendRefundToPaystack(h.db, v, { refundId: NOBODY }, { paystack: h.paystack }),
  'movements.raise': (v) => raiseMovement(h.db, v, { kind: 'allocation', policyId: NOBODY, amountMinor: 100, reason: 'Paid to the paybill', mpesaCode: 'UKP1ABCDEF' }),
  'movements.decide': (v) => approveMovement(h.db, v, { movementId: NOBODY, note }),
  'movements.record_payout': (v) => recordCreditPayout(h.db, v, { movementId: NOBODY, mpesaCode: 'UKP1ABCDEF' }),
  'paybill.allocate': (v) => raisePaybillAllocation(h.db, v, { receiptId: NOBODY, policyId: NOBODY, note }),
  'paybill.decide': (v) => approvePaybillAllocation(h.db, v, { receiptId: NOBODY, note }),
  'paybill.mark_refund': (v) => markPaybillForRefund(h.db, v, { receiptId: NOBODY, note }),
  'staff.manage': (v) => listStaff(h.db, v),
  'sandbox.tools': (v) => simulateLostCallback(h.db, v, NOBODY),
  // Turning it off (the default) changes nothing for the other tests.
  'security.manage': (v) => setStaffTwoFactorRequired(h.db, v, false),
  'book.manage': (v) => updateProduct(h.db, v, { productId: NOBODY, class: 'general', graceDays: '' }),
  'holders.invite': (v) => sendInvite(h.db, v, NOBODY, 'http://localhost'),
  'jobs.retry': (v) => retryDeadJob(h.db, v, { jobId: 999_999_999 }),
  'recon.view': (v) => listReconDays(h.db, v),
  'recon.upload': (v) => uploadMpesaStatement(h.db, v, { name: 'empty.csv', text: '' }),
  'recon.resolve': (v) => resolveBreak(h.db, v, { breakId: NOBODY, how: 'matched_by_hand', note }),
  'recon.close': (v) => closeDay(h.db, v, { day: '2020-01-01', channel: 'mpesa' }),
  'integrations.manage': (v) => revokeApiKey(h.db, v, NOBODY),
};

// The definition, written out independently of lib/auth/roles.ts.
const EXPECTED: Record<StaffAction, Role[]> = {
  'console.view': ['admin', 'finance', 'support'],
  'audit.view': ['admin', 'finance', 'support'],
  'payments.view': ['finance', 'support'],
  'payments.check_gateway': ['finance', 'support'],
  'payments.clear_flag': ['finance', 'support'],
  'payments.resolve_review': ['finance'],
  'receipts.resend': ['finance', 'support'],
  'refunds.raise': ['finance', 'support'],
  'refunds.decide': ['finance'],
  'refunds.record_payout': ['finance'],
  'refunds.resend': ['finance'],
  'movements.raise': ['finance', 'support'],
  'movements.decide': ['finance'],
  'movements.record_payout': ['finance'],
  'paybill.allocate': ['finance', 'support'],
  'paybill.decide': ['finance'],
  'paybill.mark_refund': ['finance'],
  'staff.manage': ['admin'],
  'sandbox.tools': ['finance', 'support'],
  'security.manage': ['admin'],
  'book.manage': ['admin', 'finance'],
  'holders.invite': ['finance', 'support'],
  'jobs.retry': ['admin', 'finance'],
  'recon.view': ['finance', 'support'],
  'recon.upload': ['finance'],
  'recon.resolve': ['finance'],
  'recon.close': ['finance'],
  'integrations.manage': ['admin'],
};

test('every staff action has a probe and an expectation', () => {
  expect(Object.keys(PROBES).sort()).toEqual([...STAFF_ACTION_NAMES].sort());
  expect(Object.keys(EXPECTED).sort()).toEqual([...STAFF_ACTION_NAMES].sort());
});

describe.each(STAFF_ACTION_NAMES)('%s', (action) => {
  test.each(['policyholder', 'admin', 'finance', 'support'] as Role[])('as %s', async (role) => {
    expect(await allowed(() => PROBES[action](viewers[role]))).toBe(EXPECTED[action].includes(role));
  });
});

test('an admin sees no holder payments even through the holder-facing queries', async () => {
  const { getPayment } = await import('@/lib/payments/queries');
  const { listPolicies } = await import('@/lib/policies');
  expect(await listPolicies(h.db, viewers.admin)).toEqual([]);
  expect(await getPayment(h.db, viewers.admin, NOBODY)).toBeNull();
  expect((await listPolicies(h.db, viewers.support)).length).toBeGreaterThan(0);
});
