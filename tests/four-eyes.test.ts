// Four eyes on refunds, pay-out codes used once, and receipts that never change: the raiser never
// approves, two different finance members above the threshold, a refund note of its own, and
// receipt numbers and verify links that survive rotating AUTH_SECRET.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, outboxMessages, payments, refunds, users, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { DEMO_USERS } from '@/db/seed';
import { secondApprovalAboveMinor } from '@/lib/env';
import { approveMovement, listMovements, raiseMovement, recordCreditPayout } from '@/lib/movements/movements';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { policyBalance } from '@/lib/payments/core/ledger';
import { listPolicies } from '@/lib/policies';
import { backfillReceiptNumbers } from '@/lib/receipts/backfill';
import { loadReceipt, verifyReceipt } from '@/lib/receipts/data';
import { renderReceiptPdf } from '@/lib/receipts/pdf';
import { refundNoteResponse } from '@/lib/receipts/refund-note';
import { runDueJobs } from '@/lib/jobs/worker';
import { createNotificationJobHandlers, NOTIFY_REFUND_NOTE_JOB } from '@/lib/notifications/jobs';
import { legacyReceiptNumber } from '@/lib/receipts/receipt-number';
import { approveRefund, recordMpesaPayout, rejectRefund } from '@/lib/refunds/decide';
import { listStaffRefunds } from '@/lib/refunds/queries';
import { raiseRefundForHolder, requestRefund } from '@/lib/refunds/request';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import type { Viewer } from '@/lib/viewer';
import { PDFParse } from 'pdf-parse';
import { startHarness, type Harness } from './harness';

let h: Harness;
let finance: Viewer;
let finance2: Viewer;
let support: Viewer;
// The policies' premiums are below the default KES 50,000, so these tests set KES 1,000 (the same
// setting as SECOND_APPROVAL_ABOVE_KES; its default is checked below).
const THRESHOLD = 100_000;
beforeAll(async () => {
  h = await startHarness();
  const viewer = async (email: string): Promise<Viewer> => {
    const [u] = await h.db.select().from(users).where(eq(users.email, email));
    return { userId: u.id, role: u.role };
  };
  finance = await viewer(DEMO_USERS.staff.email);
  finance2 = await viewer(DEMO_USERS.finance2.email);
  support = await viewer(DEMO_USERS.support.email);
});
afterAll(async () => {
  await h?.close();
});

const env = (vars: Record<string, string>) => ({ NODE_ENV: 'test', ...vars }) as NodeJS.ProcessEnv;
const deps = () => ({ paystack: h.paystack, secondApprovalAboveMinor: THRESHOLD });
const note = 'Duplicate payment confirmed on the statement';
const reload = async (p: Payment) => (await h.db.select().from(payments).where(eq(payments.id, p.id)))[0];

async function payMpesa(policyId: string, amountMinor: number) {
  const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId, amountMinor, phone: '0712345678' });
  if (!r.ok) throw new Error(r.error);
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
  await respondToPrompt(h.db, prompt.id, 'pin');
  const p = await reload(r.payment);
  expect(p.status).toBe('completed');
  return p;
}

async function pdfText(bytes: Uint8Array) {
  const parser = new PDFParse({ data: bytes });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe('four eyes on refunds', () => {
  test('support raises a refund for a holder; support cannot approve; finance (not the raiser) approves and pays out', async () => {
    const p = await payMpesa(h.afya.id, 350_000);
    const raised = await raiseRefundForHolder(h.db, support, { paymentId: p.id, amountMinor: 100_000, reason: 'Holder called: paid twice' });
    if (!raised.ok) throw new Error(raised.error);
    expect(raised.refund).toMatchObject({ userId: h.holder.userId, requestedBy: support.userId, status: 'requested' });
    expect(await h.db.select().from(auditLog).where(and(eq(auditLog.action, 'refund.raise'), eq(auditLog.targetId, raised.refund.id)))).toHaveLength(1);
    // Support cannot move money.
    expect(await approveRefund(h.db, support, { refundId: raised.refund.id, note }, deps())).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await recordMpesaPayout(h.db, support, { refundId: raised.refund.id, reference: 'UKP1ABCDEF' })).toMatchObject({ ok: false, code: 'forbidden' });
    // Bad input changes nothing.
    expect(await raiseRefundForHolder(h.db, support, { paymentId: p.id, amountMinor: 999_999_999, reason: 'too much' })).toMatchObject({ ok: false, field: 'amount' });

    const approved = await approveRefund(h.db, finance, { refundId: raised.refund.id, note }, deps());
    expect(approved).toMatchObject({ ok: true, refund: { status: 'approved', decidedBy: finance.userId } });
    const [row] = await listStaffRefunds(h.db, finance, { status: ['approved'] });
    expect(row).toMatchObject({ raisedByName: DEMO_USERS.support.name, raisedByRole: 'support', deciderName: DEMO_USERS.staff.name });
  });

  test('the raiser of a refund cannot approve it, even in finance', async () => {
    const p = await payMpesa(h.afya.id, 200_000);
    const raised = await raiseRefundForHolder(h.db, finance, { paymentId: p.id, amountMinor: 50_000, reason: 'Holder asked at the branch' });
    if (!raised.ok) throw new Error(raised.error);
    expect(await approveRefund(h.db, finance, { refundId: raised.refund.id, note }, deps())).toMatchObject({ ok: false, code: 'conflict', error: expect.stringMatching(/You raised this/) });
    expect((await h.db.select().from(refunds).where(eq(refunds.id, raised.refund.id)))[0]).toMatchObject({ status: 'requested', firstApprovedBy: null, decidedBy: null });
    expect(await approveRefund(h.db, finance2, { refundId: raised.refund.id, note }, deps())).toMatchObject({ ok: true, refund: { status: 'approved', decidedBy: finance2.userId } });
  });

  test('above the threshold two different finance members must approve', async () => {
    expect(secondApprovalAboveMinor(env({}))).toBe(5_000_000);
    expect(secondApprovalAboveMinor(env({ SECOND_APPROVAL_ABOVE_KES: '1000' }))).toBe(THRESHOLD);
    expect(secondApprovalAboveMinor(env({ SECOND_APPROVAL_ABOVE_KES: 'lots' }))).toBe(5_000_000);
    // KES 1,500 paid, KES 1,200 refunded: above KES 1,000.
    const p = await payMpesa(h.motor.id, 150_000);
    const asked = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 120_000, reason: 'Policy cancelled in the cooling-off period' });
    if (!asked.ok) throw new Error(asked.error);
    const first = await approveRefund(h.db, finance, { refundId: asked.refund.id, note }, deps());
    expect(first).toMatchObject({ ok: true, message: expect.stringMatching(/First approval recorded\. Refunds above KES 1,000\.00 need a second approval/) });
    expect((await h.db.select().from(refunds).where(eq(refunds.id, asked.refund.id)))[0]).toMatchObject({ status: 'requested', firstApprovedBy: finance.userId });
    // The same person again: refused, nothing moves.
    expect(await approveRefund(h.db, finance, { refundId: asked.refund.id, note }, deps())).toMatchObject({ ok: false, error: expect.stringMatching(/already approved/) });
    expect((await h.db.select().from(refunds).where(eq(refunds.id, asked.refund.id)))[0].status).toBe('requested');
    // A different member completes the approval.
    expect(await approveRefund(h.db, finance2, { refundId: asked.refund.id, note }, deps())).toMatchObject({ ok: true, refund: { status: 'approved', decidedBy: finance2.userId, firstApprovedBy: finance.userId } });
    const [row] = (await listStaffRefunds(h.db, finance, { status: ['approved'] })).filter((r) => r.refund.id === asked.refund.id);
    expect(row).toMatchObject({ firstApproverName: DEMO_USERS.staff.name, deciderName: DEMO_USERS.finance2.name });
    const actions = (await h.db.select().from(auditLog).where(eq(auditLog.targetId, asked.refund.id))).map((a) => [a.action, a.actorId]);
    expect(actions).toEqual([['refund.approve_first', finance.userId], ['refund.approve', finance2.userId]]);
  });

  test('at the threshold one approval is enough; racing approvers above it produce one first approval', async () => {
    const p = await payMpesa(h.motor.id, 100_000);
    const asked = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 100_000, reason: 'Paid on the wrong policy' });
    if (!asked.ok) throw new Error(asked.error);
    expect(await approveRefund(h.db, finance, { refundId: asked.refund.id, note }, deps())).toMatchObject({ ok: true, refund: { status: 'approved' } });

    const big = await payMpesa(h.motor.id, 100_100);
    const again = await requestRefund(h.db, h.holder, { paymentId: big.id, amountMinor: 100_100, reason: 'Paid on the wrong policy' });
    if (!again.ok) throw new Error(again.error);
    const answers = await Promise.all([finance, finance].map((v) => approveRefund(h.db, v, { refundId: again.refund.id, note }, deps())));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect((await h.db.select().from(refunds).where(eq(refunds.id, again.refund.id)))[0]).toMatchObject({ status: 'requested', firstApprovedBy: finance.userId });
    // Rejecting still works for finance (no money moves).
    expect(await rejectRefund(h.db, finance2, { refundId: again.refund.id, note })).toMatchObject({ ok: true });
  });

  test('an M-Pesa pay-out code is never a receipt already held, and is used once', async () => {
    const p = await payMpesa(h.afya.id, 300_000);
    const a = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 100_000, reason: 'Paid twice by mistake' });
    const b = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 100_000, reason: 'Paid twice by mistake again' });
    if (!a.ok || !b.ok) throw new Error('not requested');
    for (const r of [a.refund, b.refund]) expect(await approveRefund(h.db, finance, { refundId: r.id, note }, deps())).toMatchObject({ ok: true });
    // The payment's own M-Pesa receipt (money we received) is refused.
    expect(await recordMpesaPayout(h.db, finance, { refundId: a.refund.id, reference: p.mpesaReceipt! })).toMatchObject({ ok: false, error: expect.stringMatching(/receipt of a payment we received/) });
    expect((await h.db.select().from(refunds).where(eq(refunds.id, a.refund.id)))[0]).toMatchObject({ status: 'approved', gatewayReference: null });
    expect(await recordMpesaPayout(h.db, finance, { refundId: a.refund.id, reference: 'ukp9payout1' })).toMatchObject({ ok: true });
    // The same code for another refund is refused.
    expect(await recordMpesaPayout(h.db, finance, { refundId: b.refund.id, reference: 'UKP9PAYOUT1' })).toMatchObject({ ok: false, error: expect.stringMatching(/pay-out of another refund/) });
    expect((await h.db.select().from(refunds).where(eq(refunds.id, b.refund.id)))[0].status).toBe('approved');
    // Two refunds racing for one new code: one gets it.
    const c = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 50_000, reason: 'And a small part' });
    if (!c.ok) throw new Error(c.error);
    expect(await approveRefund(h.db, finance, { refundId: c.refund.id, note }, deps())).toMatchObject({ ok: true });
    const race = await Promise.all([b.refund.id, c.refund.id].map((id) => recordMpesaPayout(h.db, finance, { refundId: id, reference: 'UKP9RACE01' })));
    expect(race.filter((r) => r.ok)).toHaveLength(1);
  });
});

describe('receipts that never change', () => {
  test('a refund produces a numbered refund note and leaves the receipt unchanged', async () => {
    const p = await payMpesa(h.afya.id, 250_000);
    const before = (await loadReceipt(h.db, h.holder, p.id, h.origin))!;
    const pdfBefore = await pdfText(await renderReceiptPdf(before));
    const asked = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 100_000, reason: 'Paid twice by mistake' });
    if (!asked.ok) throw new Error(asked.error);
    await approveRefund(h.db, finance, { refundId: asked.refund.id, note }, deps());
    expect((await h.db.select().from(refunds).where(eq(refunds.id, asked.refund.id)))[0].noteNo).toBeNull(); // not yet paid back
    await recordMpesaPayout(h.db, finance, { refundId: asked.refund.id, reference: 'UKP7NOTE01' });
    const [refund] = await h.db.select().from(refunds).where(eq(refunds.id, asked.refund.id));
    expect(refund.noteNo).toMatch(/^RF-[0-9A-HJKMNP-TV-Z]{10}$/);

    const after = (await loadReceipt(h.db, h.holder, p.id, h.origin))!;
    expect(after).toEqual(before);
    expect((await reload(p)).receiptNo).toBe(before.receiptNo);
    const pdfAfter = await pdfText(await renderReceiptPdf(after));
    expect(pdfAfter).toBe(pdfBefore);
    expect(pdfAfter).toContain('KES 2,500.00');

    // Its own PDF, for the holder (not another holder), naming the note, the receipt and the amount.
    const res = await refundNoteResponse(h.db, h.holder, refund.id, h.origin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="malipo-refund-note-${refund.noteNo}.pdf"`);
    const noteText = await pdfText(new Uint8Array(await res.arrayBuffer()));
    for (const part of ['REFUND NOTE', refund.noteNo!, before.receiptNo, 'KES 1,000.00', 'One thousand Kenya shillings only', 'M-Pesa, pay-out UKP7NOTE01']) expect(noteText).toContain(part);
    expect(noteText).toMatch(/That\s+receipt is\s+unchanged/);
    expect(noteText).toContain(`/receipts/verify/${refund.noteNo}?s=`);
    expect((await refundNoteResponse(h.db, h.other, refund.id, h.origin)).status).toBe(404);
    expect((await refundNoteResponse(h.db, null, refund.id, h.origin)).status).toBe(401);
    expect((await refundNoteResponse(h.db, support, refund.id, h.origin)).status).toBe(200);
    // And its email, queued with the booking, with the note attached.
    const jobsRun = await runDueJobs(h.db, createNotificationJobHandlers({ mailer: () => null, origin: () => h.origin }), 50, [NOTIFY_REFUND_NOTE_JOB]);
    expect(jobsRun).toBeGreaterThanOrEqual(1);
    const [mail] = await h.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `refund:${refund.id}:note`));
    expect(mail).toMatchObject({ toEmail: DEMO_USERS.holder.email, subject: 'Refund sent: KES 1,000.00 for MLP-AFY-240342', attachments: [{ type: 'refund_note', refundId: refund.id }] });
    expect(mail.textBody).toContain(`Refund note number: ${refund.noteNo}`);
    expect(mail.textBody).toContain(`Against receipt: ${before.receiptNo}`);

    const v = await verifyReceipt(h.db, before.receiptNo);
    expect(v).toMatchObject({ standing: 'partly_refunded', refundedMinor: 100_000, refundNotes: [{ noteNo: refund.noteNo, amountMinor: 100_000 }] });
    expect(await verifyReceipt(h.db, refund.noteNo!)).toMatchObject({ receiptNo: before.receiptNo, checkedNote: { noteNo: refund.noteNo } });
    // The number cannot be changed afterwards, even by a direct UPDATE.
    await h.db.update(payments).set({ receiptNo: 'MLP-FORGED-AAAAAA' }).where(eq(payments.id, p.id));
    expect((await reload(p)).receiptNo).toBe(before.receiptNo);
    await h.db.update(refunds).set({ noteNo: 'RF-AAAAAAAAAA' }).where(eq(refunds.id, refund.id));
    expect((await h.db.select().from(refunds).where(eq(refunds.id, refund.id)))[0].noteNo).toBe(refund.noteNo);
  });

  test('rotating AUTH_SECRET leaves every receipt number and verify link working', async () => {
    const original = { auth: process.env.AUTH_SECRET, receipt: process.env.RECEIPT_SECRET };
    process.env.RECEIPT_SECRET = 'receipt-secret-that-stays-the-same-0123456789';
    try {
      const p = await payMpesa(h.afya.id, 120_000);
      const before = (await loadReceipt(h.db, h.holder, p.id, h.origin))!;
      process.env.AUTH_SECRET = 'a-brand-new-auth-secret-after-rotation-0123456789';
      const after = (await loadReceipt(h.db, h.holder, p.id, h.origin))!;
      expect(after.receiptNo).toBe(before.receiptNo);
      expect(after.verifyUrl).toBe(before.verifyUrl);
      const sig = new URL(before.verifyUrl).searchParams.get('s');
      expect(await verifyReceipt(h.db, before.receiptNo, sig)).toMatchObject({ receiptNo: before.receiptNo, signed: true, amountMinor: 120_000 });
      expect(await verifyReceipt(h.db, before.receiptNo)).toMatchObject({ receiptNo: before.receiptNo, signed: false });
    } finally {
      process.env.AUTH_SECRET = original.auth;
      if (original.receipt === undefined) delete process.env.RECEIPT_SECRET;
      else process.env.RECEIPT_SECRET = original.receipt;
    }
  });

  test('receipts issued before numbers were stored keep their numbers (back-filled once, idempotently, by concurrent starts)', async () => {
    const p = await payMpesa(h.afya.id, 110_000);
    // Make it look like a payment completed before migration 0011: no stored number.
    await h.db.execute(sql`alter table payments disable trigger payments_receipt_no`);
    await h.db.update(payments).set({ receiptNo: null }).where(eq(payments.id, p.id));
    await h.db.execute(sql`alter table payments enable trigger payments_receipt_no`);
    expect(await loadReceipt(h.db, h.holder, p.id)).toBeNull();

    const issued = legacyReceiptNumber(p.reference, process.env.AUTH_SECRET!);
    const filled = await Promise.all([1, 2, 3].map(() => backfillReceiptNumbers(h.db)));
    expect(filled.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect((await reload(p)).receiptNo).toBe(issued);
    expect(await backfillReceiptNumbers(h.db)).toBe(0);
    expect((await loadReceipt(h.db, h.holder, p.id, h.origin))!.receiptNo).toBe(issued);
    expect(await verifyReceipt(h.db, issued)).toMatchObject({ receiptNo: issued, amountMinor: 110_000 });
  });
});

describe('four eyes on allocations and credit pay-outs', () => {
  test('an allocation by hand: the raiser cannot approve it; another finance member books it', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const raised = await raiseMovement(h.db, support, { kind: 'allocation', policyId: h.afya.id, amountMinor: 80_000, reason: 'Paid to the paybill with a wrong account number', mpesaCode: 'ukq1alloc01' });
    if (!raised.ok) throw new Error(raised.error);
    expect(raised.movement).toMatchObject({ status: 'requested', raisedBy: support.userId, mpesaCode: 'UKQ1ALLOC01' });
    expect(await approveMovement(h.db, support, { movementId: raised.movement.id, note }, deps())).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before);

    const own = await raiseMovement(h.db, finance, { kind: 'allocation', policyId: h.afya.id, amountMinor: 20_000, reason: 'Paid at the branch by M-Pesa', mpesaCode: 'UKQ1ALLOC02' });
    if (!own.ok) throw new Error(own.error);
    expect(await approveMovement(h.db, finance, { movementId: own.movement.id, note }, deps())).toMatchObject({ ok: false, error: expect.stringMatching(/You raised this/) });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before);

    expect(await approveMovement(h.db, finance, { movementId: raised.movement.id, note }, deps())).toMatchObject({ ok: true, movement: { status: 'approved', decidedBy: finance.userId } });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 80_000);
    expect(await approveMovement(h.db, finance2, { movementId: own.movement.id, note }, deps())).toMatchObject({ ok: true });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 100_000);
    // Approving again books nothing twice.
    expect(await approveMovement(h.db, finance2, { movementId: raised.movement.id, note }, deps())).toMatchObject({ ok: false, code: 'conflict' });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 100_000);
    // A code already held (a payment's receipt, a movement's code) cannot be allocated again.
    const p = await payMpesa(h.afya.id, 10_000);
    expect(await raiseMovement(h.db, support, { kind: 'allocation', policyId: h.afya.id, amountMinor: 10_000, reason: 'Paid to the paybill again', mpesaCode: p.mpesaReceipt! })).toMatchObject({ ok: false, error: expect.stringMatching(/receipt of a payment we received/) });
    expect(await raiseMovement(h.db, support, { kind: 'allocation', policyId: h.afya.id, amountMinor: 10_000, reason: 'Paid to the paybill again', mpesaCode: 'UKQ1ALLOC01' })).toMatchObject({ ok: false, error: expect.stringMatching(/another allocation or pay-out/) });
  });

  test('above the threshold an allocation needs two different finance approvers', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const raised = await raiseMovement(h.db, support, { kind: 'allocation', policyId: h.afya.id, amountMinor: 150_000, reason: 'Paid to the paybill with a typo', mpesaCode: 'UKQ1ALLOC03' });
    if (!raised.ok) throw new Error(raised.error);
    expect(await approveMovement(h.db, finance, { movementId: raised.movement.id, note }, deps())).toMatchObject({ ok: true, message: expect.stringMatching(/First approval recorded/) });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before);
    expect(await approveMovement(h.db, finance, { movementId: raised.movement.id, note }, deps())).toMatchObject({ ok: false, error: expect.stringMatching(/already approved/) });
    expect(await approveMovement(h.db, finance2, { movementId: raised.movement.id, note }, deps())).toMatchObject({ ok: true, movement: { status: 'approved', firstApprovedBy: finance.userId, decidedBy: finance2.userId } });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 150_000);
  });

  test('a credit pay-out: never more than the credit, the raiser cannot approve it, the code is used once', async () => {
    // The home policy (KES 6,000): an allocation of KES 7,000 leaves KES 1,000 of credit.
    const home = (await listPolicies(h.db, h.holder)).find((p) => p.number.startsWith('MLP-HOM'))!;
    const alloc = await raiseMovement(h.db, support, { kind: 'allocation', policyId: home.id, amountMinor: 700_000, reason: 'Paid the whole year at the branch', mpesaCode: 'UKQ1ALLOC04' });
    if (!alloc.ok) throw new Error(alloc.error);
    await approveMovement(h.db, finance, { movementId: alloc.movement.id, note }, { secondApprovalAboveMinor: 10_000_000 });
    expect(await policyBalance(h.db, home.id)).toBe(-100_000);

    expect(await raiseMovement(h.db, support, { kind: 'credit_payout', policyId: home.id, amountMinor: 50_050, reason: 'Holder asked for the credit' })).toMatchObject({ ok: false, error: expect.stringMatching(/whole shillings/) });
    expect(await raiseMovement(h.db, support, { kind: 'credit_payout', policyId: home.id, amountMinor: 200_000, reason: 'Holder asked for the credit' })).toMatchObject({ ok: false, error: expect.stringMatching(/at most KES 1,000\.00/) });
    const payout = await raiseMovement(h.db, finance2, { kind: 'credit_payout', policyId: home.id, amountMinor: 100_000, reason: 'Holder asked for the credit' });
    if (!payout.ok) throw new Error(payout.error);
    // The same credit cannot be asked for twice.
    expect(await raiseMovement(h.db, support, { kind: 'credit_payout', policyId: home.id, amountMinor: 100_000, reason: 'Holder asked again' })).toMatchObject({ ok: false, error: expect.stringMatching(/no credit/) });
    expect(await approveMovement(h.db, finance2, { movementId: payout.movement.id, note }, deps())).toMatchObject({ ok: false, error: expect.stringMatching(/You raised this/) });
    expect(await approveMovement(h.db, finance, { movementId: payout.movement.id, note }, deps())).toMatchObject({ ok: true, movement: { status: 'approved' } });
    expect(await policyBalance(h.db, home.id)).toBe(-100_000); // nothing booked before the money goes
    expect(await recordCreditPayout(h.db, support, { movementId: payout.movement.id, mpesaCode: 'UKQ1PAYOUT9' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await recordCreditPayout(h.db, finance, { movementId: payout.movement.id, mpesaCode: 'UKQ1ALLOC04' })).toMatchObject({ ok: false, error: expect.stringMatching(/another allocation or pay-out/) });
    expect(await recordCreditPayout(h.db, finance, { movementId: payout.movement.id, mpesaCode: 'UKP7NOTE01' })).toMatchObject({ ok: false, error: expect.stringMatching(/pay-out of another refund/) });
    expect(await recordCreditPayout(h.db, finance, { movementId: payout.movement.id, mpesaCode: 'UKQ1PAYOUT9' })).toMatchObject({ ok: true, movement: { status: 'paid', mpesaCode: 'UKQ1PAYOUT9' } });
    expect(await policyBalance(h.db, home.id)).toBe(0);
    expect(await recordCreditPayout(h.db, finance, { movementId: payout.movement.id, mpesaCode: 'UKQ1PAYOUTA' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await policyBalance(h.db, home.id)).toBe(0);
    // A movement's code is held too: a refund's pay-out cannot reuse it.
    const p = await payMpesa(h.afya.id, 20_000);
    const asked = await requestRefund(h.db, h.holder, { paymentId: p.id, amountMinor: 10_000, reason: 'Paid twice by mistake' });
    if (!asked.ok) throw new Error(asked.error);
    await approveRefund(h.db, finance, { refundId: asked.refund.id, note }, deps());
    expect(await recordMpesaPayout(h.db, finance, { refundId: asked.refund.id, reference: 'UKQ1PAYOUT9' })).toMatchObject({ ok: false, error: expect.stringMatching(/another allocation or pay-out/) });
    const [row] = (await listMovements(h.db, finance)).filter((r) => r.movement.id === payout.movement.id);
    expect(row).toMatchObject({ raisedByName: DEMO_USERS.finance2.name, deciderName: DEMO_USERS.staff.name, policyNumber: home.number });
  });
});
