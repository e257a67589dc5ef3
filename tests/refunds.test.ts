// Refunds end to end at the domain level: a holder asks, staff decide, card refunds go to the
// Paystack emulator and come back through its real signed refund.* webhooks, M-Pesa refunds are
// paid out by hand; processed refunds re-open installments and the balance through the ledger.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { auditLog, installments, ledgerEntries, payments, refunds, users, type Payment, type Refund } from '@/db/schema';
import { sandboxPaystackRefunds, sandboxStkPrompts } from '@/db/sandbox-schema';
import { DEMO_USERS } from '@/db/seed';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { installmentsWithPaid, policyBalance } from '@/lib/payments/core/ledger';
import { handlePaystackWebhook } from '@/lib/webhooks/paystack';
import { approveRefund, recordMpesaPayout, rejectRefund, resendRefundToPaystack } from '@/lib/refunds/decide';
import { spreadRefund } from '@/lib/refunds/post-refund';
import { listHolderRefunds, listStaffRefunds, refundablePayments } from '@/lib/refunds/queries';
import { requestRefund } from '@/lib/refunds/request';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { completeCheckout } from '@/lib/sandbox/paystack/checkout';
import { ForbiddenError } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let staff: Viewer;
beforeAll(async () => {
  h = await startHarness();
  const [u] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.staff.email));
  staff = { userId: u.id, role: u.role };
});
afterAll(async () => {
  await h?.close();
});

const CARDS = {
  ok: { number: '4084084084084081', expiry: '12/30', cvv: '408' },
  refundFails: { number: '4084080000671803', expiry: '12/30', cvv: '180' },
  needsAttention: { number: '4084080000671902', expiry: '12/30', cvv: '190' },
};
const reload = async (p: Payment) => (await h.db.select().from(payments).where(eq(payments.id, p.id)))[0];
const refundRow = async (r: Refund) => (await h.db.select().from(refunds).where(eq(refunds.id, r.id)))[0];
const paystackDeps = () => ({ paystack: h.paystack });
const refundLines = (id: string) => h.db.select().from(ledgerEntries).where(eq(ledgerEntries.refundId, id));
const note = 'Checked the policy terms: cooling-off period';

async function payCard(policyId: string, amountMinor: number, card = CARDS.ok) {
  const r = await initiateCardPayment(h.db, h.card, h.holder, { policyId, amountMinor });
  if (!r.ok) throw new Error(r.error);
  await completeCheckout(h.db, r.payment.checkoutUrl!.split('/').pop()!, card, { secretKey: h.paystackConfig.secretKey, appOrigin: h.origin });
  await h.settle();
  const p = await reload(r.payment);
  expect(p.status).toBe('completed');
  return p;
}
async function payMpesa(policyId: string, amountMinor: number) {
  const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId, amountMinor, phone: '0712345678' });
  if (!r.ok) throw new Error(r.error);
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
  await respondToPrompt(h.db, prompt.id, 'pin');
  return reload(r.payment);
}
async function request(p: Payment, amountMinor: number, reason = 'I paid this installment twice by mistake') {
  const r = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor, reason });
  if (!r.ok) throw new Error(r.error);
  return r.refund;
}

describe('asking for a refund', () => {
  test('never more than paid minus what is refunded or on its way, even when asked concurrently', async () => {
    const p = await payCard(h.afya.id, 350_000);
    expect(await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 350_001, reason: 'Too much, please' })).toMatchObject({ ok: false, field: 'amount', error: expect.stringMatching(/at most KES 3,500\.00/) });
    expect(await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 1000, reason: '' })).toMatchObject({ ok: false, field: 'reason' });
    expect(await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 0, reason: 'zero please' })).toMatchObject({ ok: false, field: 'amount' });
    expect(await requestRefund(h.db, h.other, { paymentId: p.id, amountMinor: 1000, reason: 'not mine at all' })).toMatchObject({ ok: false, code: 'not_found' });
    const first = await request(p, 200_000);
    expect(await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 150_001, reason: 'The rest and a bit' })).toMatchObject({ ok: false, error: expect.stringMatching(/at most KES 1,500\.00/) });
    // Five requests for the remaining 1,500 at once: one gets it.
    const racing = await Promise.all(Array.from({ length: 5 }, () => requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 150_000, reason: 'The remaining part' })));
    expect(racing.filter((r) => r.ok)).toHaveLength(1);
    expect(await refundablePayments(h.db, h.holder, p.id)).toEqual([]);
    // A rejected request gives its amount back.
    expect(await rejectRefund(h.db, staff, { refundId: first.id, note: 'Not within the cooling-off period' })).toMatchObject({ ok: true, refund: { status: 'rejected' } });
    expect((await refundablePayments(h.db, h.holder, p.id))[0].refundableMinor).toBe(200_000);
    const mine = await listHolderRefunds(h.db, h.holder);
    expect(mine.map((r) => r.refund.status).sort()).toEqual(['rejected', 'requested']);
    expect(await listHolderRefunds(h.db, h.other)).toEqual([]);
  });

  test('only a completed payment can be refunded', async () => {
    const r = await initiateCardPayment(h.db, h.card, h.holder, { policyId: h.afya.id, amountMinor: 100_000 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(await requestRefund(h.db, h.holder, { paymentId: r.payment.id, amountMinor: 1000, reason: 'not paid yet' })).toMatchObject({ ok: false, error: /completed/ });
  });
});

describe('card refunds through Paystack', () => {
  test('concurrent approvals send one refund; its webhooks process it; balance and installments re-open', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await payCard(h.afya.id, 350_000);
    const paidSchedule = await installmentsWithPaid(h.db, h.afya.id);
    const refund = await request(p, 100_000);
    const answers = await Promise.all(Array.from({ length: 5 }, () => approveRefund(h.db, staff, { refundId: refund.id, note }, paystackDeps())));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).every((a) => !a.ok && a.code === 'conflict')).toBe(true);
    await h.settle(); // refund.pending, then refund.processed, as real signed webhooks
    const sent = await h.db.select().from(sandboxPaystackRefunds).where(eq(sandboxPaystackRefunds.transactionReference, p.paystackReference!));
    expect(sent).toHaveLength(1);
    expect(sent[0].amount).toBe(100_000);
    const done = await refundRow(refund);
    expect(done).toMatchObject({ status: 'processed', gatewayReference: String(sent[0].id), decidedBy: staff.userId, decisionNote: note });
    expect(done.completedAt).not.toBeNull();
    const lines = await refundLines(refund.id);
    expect(lines.every((l) => l.kind === 'refund' && l.account === 'holder' && l.amountMinor > 0)).toBe(true);
    expect(lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(100_000);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 350_000 + 100_000);
    const after = await installmentsWithPaid(h.db, h.afya.id);
    const touched = after.filter((i, n) => i.paidMinor !== paidSchedule[n].paidMinor);
    expect(touched.map((i) => [i.paidMinor, i.status])).toEqual([[paidSchedule.find((s) => s.id === touched[0].id)!.paidMinor - 100_000, 'partly_paid']]);
    const [row] = await h.db.select().from(installments).where(eq(installments.id, touched[0].id));
    expect(row.status).toBe('partly_paid');
    const events = await h.db.execute(sql`select kind, outcome from gateway_events where payment_id = ${p.id} and kind like 'refund%' order by id`);
    expect((Array.isArray(events) ? events : (events as { rows: unknown[] }).rows).map((e) => (e as { outcome: string }).outcome)).toEqual(
      expect.arrayContaining(['refund_pending', 'refund_processed']),
    );
    const approvals = await h.db.select().from(auditLog).where(and(eq(auditLog.action, 'refund.approve'), eq(auditLog.targetId, refund.id)));
    expect(approvals).toHaveLength(1);
  });

  test('late and replayed webhooks never move a refund backwards or book it twice', async () => {
    const [refund] = await h.db.select().from(refunds).where(eq(refunds.status, 'processed'));
    const [payment] = await h.db.select().from(payments).where(eq(payments.id, refund.paymentId));
    const balance = await policyBalance(h.db, payment.policyId);
    const send = (event: string, extra: Record<string, unknown> = {}) => {
      const body = JSON.stringify({
        event,
        data: { status: event.slice(7), transaction_reference: payment.paystackReference, refund_reference: null, amount: String(refund.amountMinor), currency: 'KES', processor: 'x', customer: {}, integration: 1, domain: 'test', ...extra },
      });
      return h.webhook(body);
    };
    expect((await send('refund.pending')).applied).toBe('refund_already_processed');
    expect((await send('refund.processed', { refund_reference: 'X1' })).applied).toBe('refund_already_processed');
    expect((await send('refund.processed', { refund_reference: 'X1' })).applied).toBe('refund_already_processed');
    expect((await send('refund.failed')).applied).toBe('refund_already_processed');
    expect((await send('refund.processed', { amount: 1 })).applied).toBe('refund_unmatched');
    expect(await refundRow(refund)).toMatchObject({ status: 'processed' });
    expect(await policyBalance(h.db, payment.policyId)).toBe(balance);
    expect((await refundLines(refund.id)).filter((l) => l.account === 'holder').reduce((s, l) => s + l.amountMinor, 0)).toBe(refund.amountMinor);
  });

  test('a refund Paystack cannot complete ends failed and books nothing', async () => {
    const p = await payCard(h.afya.id, 100_000, CARDS.refundFails);
    const balance = await policyBalance(h.db, h.afya.id);
    const refund = await request(p, 100_000);
    expect(await approveRefund(h.db, staff, { refundId: refund.id, note }, paystackDeps())).toMatchObject({ ok: true });
    await h.settle();
    expect(await refundRow(refund)).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/could not send/) });
    expect(await refundLines(refund.id)).toEqual([]);
    expect(await policyBalance(h.db, h.afya.id)).toBe(balance);
    // The failed refund no longer counts: the holder may ask again.
    expect((await refundablePayments(h.db, h.holder, p.id))[0].refundableMinor).toBe(100_000);
  });

  test('needs-attention keeps the refund in flight and flags the payment for staff', async () => {
    const p = await payCard(h.afya.id, 100_000, CARDS.needsAttention);
    const refund = await request(p, 50_000);
    await approveRefund(h.db, staff, { refundId: refund.id, note }, paystackDeps());
    await h.settle();
    expect(await refundRow(refund)).toMatchObject({ status: 'processing', failureReason: expect.stringMatching(/needs attention/) });
    expect(await reload(p)).toMatchObject({ flagged: true, flagReason: expect.stringMatching(/needs attention/) });
    // One refund in flight per card payment: a second approval waits.
    const second = await request(p, 10_000);
    expect(await approveRefund(h.db, staff, { refundId: second.id, note }, paystackDeps())).toMatchObject({ ok: false, code: 'conflict' });
    expect((await refundRow(second)).status).toBe('requested');
    expect(await resendRefundToPaystack(h.db, staff, { refundId: refund.id }, paystackDeps())).toMatchObject({ ok: false, code: 'conflict' });
  });

  test('Paystack refusing the refund marks it failed with its reason', async () => {
    const p = await payCard(h.afya.id, 100_000);
    const refund = await request(p, 100_000);
    const refusing = { createRefund: async () => ({ ok: false as const, code: 'invalid_amount', message: 'Refund amount is invalid', httpStatus: 400, uncertain: false }) };
    expect(await approveRefund(h.db, staff, { refundId: refund.id, note }, { paystack: refusing })).toMatchObject({ ok: true, message: /refused/ });
    expect(await refundRow(refund)).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/Refund amount is invalid/) });
  });

  test('no answer from Paystack leaves it approved; sending again reaches Paystack once', async () => {
    const p = await payCard(h.afya.id, 100_000);
    const refund = await request(p, 40_000);
    const silent = { createRefund: async () => ({ ok: false as const, code: 'timeout', message: 'no answer', httpStatus: null, uncertain: true }) };
    expect(await approveRefund(h.db, staff, { refundId: refund.id, note }, { paystack: silent })).toMatchObject({ ok: true, message: /did not answer/ });
    expect(await refundRow(refund)).toMatchObject({ status: 'approved', gatewayReference: null });
    const again = await Promise.all([1, 2, 3].map(() => resendRefundToPaystack(h.db, staff, { refundId: refund.id }, paystackDeps())));
    expect(again.filter((a) => a.ok)).toHaveLength(1);
    await h.settle();
    expect((await refundRow(refund)).status).toBe('processed');
    expect(await h.db.select().from(sandboxPaystackRefunds).where(eq(sandboxPaystackRefunds.transactionReference, p.paystackReference!))).toHaveLength(1);
  });
});

describe('M-Pesa refunds, paid out by hand', () => {
  test('approve, record the pay-out: booked newest installment first, commission clawed back', async () => {
    const before = await policyBalance(h.db, h.motor.id);
    const p = await payMpesa(h.motor.id, 1_500_000); // installment 1 (12,000) + 3,000 of installment 2
    const refund = await request(p, 500_000);
    expect(await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 150, reason: 'cents please' })).toMatchObject({ ok: false, error: /whole shillings/ });
    expect(await approveRefund(h.db, staff, { refundId: refund.id, note }, paystackDeps())).toMatchObject({ ok: true, refund: { status: 'approved' } });
    expect(await recordMpesaPayout(h.db, staff, { refundId: refund.id, reference: 'bad' })).toMatchObject({ ok: false, code: 'invalid' });
    const paid = await recordMpesaPayout(h.db, staff, { refundId: refund.id, reference: 'ukp9refund' });
    expect(paid).toMatchObject({ ok: true, refund: { status: 'processed', gatewayReference: 'UKP9REFUND' } });
    expect(await recordMpesaPayout(h.db, staff, { refundId: refund.id, reference: 'UKP9REFUND' })).toMatchObject({ ok: false, code: 'conflict' });
    const schedule = await installmentsWithPaid(h.db, h.motor.id);
    expect(schedule.map((i) => [i.seq, i.paidMinor, i.status])).toEqual([
      [1, 1_000_000, 'partly_paid'],
      [2, 0, 'due'],
      [3, 0, 'due'],
      [4, 0, 'due'],
    ]);
    expect(await policyBalance(h.db, h.motor.id)).toBe(before - 1_500_000 + 500_000);
    const agentLines = await h.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.paymentId, p.id), eq(ledgerEntries.account, 'agent')));
    expect(agentLines.map((l) => l.amountMinor).sort((a, b) => a - b)).toEqual([-50_000, 150_000]);
    const holderLines = await h.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.refundId, refund.id), eq(ledgerEntries.account, 'holder')));
    expect(holderLines.map((l) => l.amountMinor).sort((a, b) => a - b)).toEqual([200_000, 300_000]);
  });

  test('spreading: credit first, then the newest installment back', () => {
    const slots = [
      { installmentId: 'a', seq: 1, heldMinor: 100 },
      { installmentId: 'b', seq: 2, heldMinor: 50 },
      { installmentId: null, seq: 0, heldMinor: 20 },
    ];
    expect(spreadRefund(60, slots)).toEqual([
      { installmentId: null, amountMinor: 20 },
      { installmentId: 'b', amountMinor: 40 },
    ]);
    expect(spreadRefund(170, slots).reduce((s, x) => s + x.amountMinor, 0)).toBe(170);
    expect(() => spreadRefund(171, slots)).toThrow(/exceeds/);
  });
});

describe('access', () => {
  test('every refund decision is refused for a policyholder, and nothing changes', async () => {
    const p = await payCard(h.afya.id, 100_000);
    const refund = await request(p, 100_000);
    const audits = (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n;
    expect(await approveRefund(h.db, h.holder, { refundId: refund.id, note }, paystackDeps())).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await rejectRefund(h.db, h.holder, { refundId: refund.id, note })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await recordMpesaPayout(h.db, h.holder, { refundId: refund.id, reference: 'UKP1ABCDEF' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await resendRefundToPaystack(h.db, h.holder, { refundId: refund.id }, paystackDeps())).toMatchObject({ ok: false, code: 'forbidden' });
    await expect(listStaffRefunds(h.db, h.holder)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await refundRow(refund)).toMatchObject({ status: 'requested', decidedBy: null });
    expect(await h.db.select().from(sandboxPaystackRefunds).where(eq(sandboxPaystackRefunds.transactionReference, p.paystackReference!))).toEqual([]);
    expect((await h.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n).toBe(audits);
  });

  test('every refund decision is in the audit log', async () => {
    const rows = await h.db.select().from(auditLog).where(isNotNull(auditLog.targetId));
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['refund.approve', 'refund.reject', 'refund.mpesa_payout', 'refund.resend']) expect(actions).toContain(a);
    const staffList = await listStaffRefunds(h.db, staff);
    expect(staffList.length).toBe((await h.db.select().from(refunds)).length);
  });
});
