// Paybill (M-Pesa C2B) end to end at the domain level, on PGlite (or PostgreSQL with DATABASE_URL):
// confirmations through their endpoint handler, matching, the STK overlap, duplicates, forged
// URLs, validation and the four-eyes allocation of what could not be matched.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { paybillReceipts } from '@/db/paybill-schema';
import { auditLog, gatewayEvents, jobs, ledgerEntries, payments, policies, users, type Payment } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { darajaTimestamp } from '@/lib/gateways/daraja/password';
import { PAYMENT_OUTCOME_JOB } from '@/lib/payments/core/events';
import { policyBalance } from '@/lib/payments/core/ledger';
import { recheckClosedPayment, sweepPayment } from '@/lib/payments/core/sweep';
import { stkAccountReference } from '@/lib/payments/mpesa/adapter';
import { initiateMpesaPayment, mpesaCheck } from '@/lib/payments/pay-by-mpesa';
import { approvePaybillAllocation, attachPaybillToStk, markPaybillForRefund, raisePaybillAllocation, rejectPaybillAllocation } from '@/lib/paybill/allocate';
import { applyQueuedConfirmations, handleC2bConfirmation, handleC2bValidation, paybillJobHandlers } from '@/lib/paybill/confirmation';
import { ingestPaybillPayment, PAYBILL_RECHECK_JOB } from '@/lib/paybill/ingest';
import { c2bSecret } from '@/lib/paybill/urls';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { runDueJobs } from '@/lib/jobs/worker';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let finance: Viewer, finance2: Viewer, support: Viewer;
let longPolicyId: string;
const LONG_NUMBER = 'KE/LIFE/2024/000123';

beforeAll(async () => {
  h = await startHarness();
  const as = async (email: string): Promise<Viewer> => {
    const [u] = await h.db.select().from(users).where(eq(users.email, email));
    return { userId: u.id, role: u.role };
  };
  finance = await as(DEMO_USERS.staff.email);
  finance2 = await as(DEMO_USERS.finance2.email);
  support = await as(DEMO_USERS.support.email);
  // A policy number longer than an STK AccountReference (12), for the truncated form.
  const [p] = await h.db.insert(policies).values({ number: LONG_NUMBER, product: 'Life', holderId: h.holder.userId, premiumMinor: 100_000 }).returning();
  longPolicyId = p.id;
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  delete process.env.MPESA_CALLBACK_ALLOWED_IPS;
  delete process.env.MPESA_C2B_VALIDATION;
});

let seq = 0;
const transId = () => `UL${String(Date.now()).slice(-5)}${String(++seq).padStart(3, '0')}`;

/** A confirmation body in Daraja's exact shape (docs/daraja.md §10.3): TransAmount a string. */
function body(o: { id?: string; account: string; amount?: string; first?: string; last?: string; at?: Date; shortCode?: string; msisdn?: string }) {
  return {
    TransactionType: 'Pay Bill',
    TransID: o.id ?? transId(),
    TransTime: darajaTimestamp(o.at ?? new Date()),
    TransAmount: o.amount ?? '1000.00',
    BusinessShortCode: o.shortCode ?? '174379',
    BillRefNumber: o.account,
    InvoiceNumber: '',
    OrgAccountBalance: '49197.00',
    ThirdPartyTransID: '',
    MSISDN: o.msisdn ?? '25470****149',
    FirstName: o.first ?? 'WANJIKU',
    MiddleName: '',
    LastName: o.last ?? 'KAMAU',
  };
}

/** Delivers a confirmation as Daraja would, lets the worker apply it, returns the answer and the row. */
async function confirm(b: ReturnType<typeof body>, opts: { secret?: string; raw?: string; ip?: string } = {}) {
  const answer = await handleC2bConfirmation(h.db, { secret: opts.secret ?? c2bSecret('confirmation'), rawBody: opts.raw ?? JSON.stringify(b), clientIp: opts.ip ?? '196.201.214.200' });
  await applyQueuedConfirmations(h.db);
  const [row] = await h.db.select().from(paybillReceipts).where(eq(paybillReceipts.transId, b.TransID));
  return { answer, row };
}

async function paymentOf(id: string | null | undefined) {
  const [p] = await h.db.select().from(payments).where(eq(payments.id, id!));
  return p;
}
const countOf = async (table: typeof payments | typeof gatewayEvents | typeof paybillReceipts | typeof jobs) => (await h.db.select({ n: count() }).from(table))[0].n;

describe('matching a confirmation to a policy', () => {
  test('exact account: credited as a normal completed payment (receipt number, ledger, receipt email)', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const b = body({ account: h.afya.number, amount: '1500.00' });
    const { answer, row } = await confirm(b);
    expect(answer).toMatchObject({ status: 200, body: { ResultCode: '0', ResultDesc: 'Accepted' } });
    expect(row).toMatchObject({ status: 'credited', matchedBy: 'exact', amountMinor: 150_000, msisdn: '25470****149', payerName: 'WANJIKU KAMAU' });
    const p = await paymentOf(row.paymentId);
    expect(p).toMatchObject({ status: 'completed', channel: 'paybill', method: 'mpesa', policyId: h.afya.id, userId: h.holder.userId, amountMinor: 150_000, mpesaReceipt: b.TransID, flagged: false });
    expect(p.receiptNo).toBeTruthy();
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 150_000);
    const [email] = await h.db.select().from(jobs).where(eq(jobs.key, `${PAYMENT_OUTCOME_JOB}:${p.id}:completed`));
    expect(email).toBeTruthy();
    // The raw confirmation is kept, applied once.
    const [ev] = await h.db.select().from(gatewayEvents).where(eq(gatewayEvents.dedupeKey, `c2b_confirmation:${b.TransID}`));
    expect(ev).toMatchObject({ kind: 'c2b_confirmation', outcome: 'paybill_credited' });
    expect(JSON.parse(ev.raw).TransAmount).toBe('1500.00');
  });

  test('slash, space, dash and case variants', async () => {
    for (const account of ['mlp/afy/240342', 'MLP AFY 240342', 'mlp-afy-240342 ']) {
      const { row } = await confirm(body({ account, amount: '100' }));
      expect(row).toMatchObject({ status: 'credited', matchedBy: 'exact' });
      expect((await paymentOf(row.paymentId)).policyId).toBe(h.afya.id);
    }
  });

  test('the truncated STK form of a longer policy number', async () => {
    const { row } = await confirm(body({ account: stkAccountReference(LONG_NUMBER), amount: '100' }));
    expect(row).toMatchObject({ status: 'credited', matchedBy: 'truncated' });
    expect((await paymentOf(row.paymentId)).policyId).toBe(longPolicyId);
  });

  test('O/0 confusion', async () => {
    const { row } = await confirm(body({ account: 'MLP-AFY-24O342', amount: '100' }));
    expect(row).toMatchObject({ status: 'credited', matchedBy: 'confusion' });
  });

  test('one character off with the holder\'s name: credited and flagged for staff', async () => {
    const { row } = await confirm(body({ account: 'MLP-AFY-240343', amount: '100', first: 'WANJIKU', last: 'KAMAU' }));
    expect(row).toMatchObject({ status: 'credited', matchedBy: 'near_name' });
    const p = await paymentOf(row.paymentId);
    expect(p).toMatchObject({ policyId: h.afya.id, status: 'completed', flagged: true });
    expect(p.flagReason).toMatch(/one character off/);
  });

  test('one character off with another name: unallocated, with the candidate', async () => {
    const n = await countOf(payments);
    const { row } = await confirm(body({ account: 'MLP-AFY-240343', amount: '100', first: 'JOHN', last: 'DOE' }));
    expect(row).toMatchObject({ status: 'unallocated', paymentId: null });
    expect(row.candidates).toEqual([{ policyId: h.afya.id, number: 'MLP-AFY-240342', why: 'one character different; payer name does not match the holder' }]);
    expect(await countOf(payments)).toBe(n);
  });

  test('unknown account: unallocated, nothing credited', async () => {
    const n = await countOf(payments);
    const { row } = await confirm(body({ account: 'HELLO123', amount: '100' }));
    expect(row).toMatchObject({ status: 'unallocated', candidates: [], reason: 'The account number matches no policy.' });
    expect(await countOf(payments)).toBe(n);
  });

  test('another shortcode: held for review', async () => {
    const { row } = await confirm(body({ account: h.afya.number, amount: '100', shortCode: '600000' }));
    expect(row).toMatchObject({ status: 'review', paymentId: null });
  });
});

describe('the same money never counts twice', () => {
  test('a confirmation delivered twice (even with other bytes) and then as a statement line', async () => {
    const b = body({ account: h.afya.number, amount: '250' });
    const first = await confirm(b);
    const [events, rows, pays] = [await countOf(gatewayEvents), await countOf(paybillReceipts), await countOf(payments)];
    const again = await confirm(b, { raw: JSON.stringify(b, null, 2) });
    expect(again.answer).toMatchObject({ status: 200, outcome: 'duplicate' });
    expect([await countOf(gatewayEvents), await countOf(paybillReceipts), await countOf(payments)]).toEqual([events, rows, pays]);
    const statement = await ingestPaybillPayment(h.db, { transId: b.TransID, transTime: new Date(), amountMinor: 25_000, shortCode: '174379', billRef: h.afya.number, payerName: 'WANJIKU KAMAU', msisdn: null, source: 'statement' });
    expect(statement).toEqual({ outcome: 'duplicate', receiptId: first.row.id, status: 'credited', paymentId: first.row.paymentId });
    expect(await countOf(payments)).toBe(pays);
  });

  async function stk(policyId: string, amountMinor: number): Promise<Payment> {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId, amountMinor, phone: '0712345678' });
    if (!r.ok) throw new Error(r.error);
    return r.payment;
  }
  async function completeByQuery(p: Payment) {
    const paid = mpesaCheck({ stkQuery: async () => ({ state: 'final', resultCode: '0', resultDesc: 'The service request is processed successfully.' }) });
    await sweepPayment(h.db, { ...h.checks, mpesa: paid }, p.id, new Date(Date.now() + 2 * 60_000));
    // The prompt stays unanswered on the phone: close it so the emulator does not call back later.
    await h.db.update(sandboxStkPrompts).set({ resultCode: '0' }).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
    return paymentOf(p.id);
  }

  test('STK payment with a receipt, then its C2B confirmation: attached, counted once', async () => {
    const p = await stk(h.afya.id, 50_000);
    const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
    await respondToPrompt(h.db, prompt.id, 'pin');
    const paid = await paymentOf(p.id);
    expect(paid.status).toBe('completed');
    const balance = await policyBalance(h.db, h.afya.id);
    const n = await countOf(payments);
    const { row } = await confirm(body({ id: paid.mpesaReceipt!, account: stkAccountReference(h.afya.number), amount: '500.00' }));
    expect(row).toMatchObject({ status: 'attached_to_stk', paymentId: p.id });
    expect(await countOf(payments)).toBe(n);
    expect(await policyBalance(h.db, h.afya.id)).toBe(balance);
  });

  test('STK payment completed by query (no receipt), then the C2B confirmation: its receipt is attached', async () => {
    const p = await completeByQuery(await stk(h.afya.id, 60_000));
    expect(p).toMatchObject({ status: 'completed', mpesaReceipt: null, flagged: true });
    const balance = await policyBalance(h.db, h.afya.id);
    const n = await countOf(payments);
    const b = body({ account: stkAccountReference(h.afya.number), amount: '600' });
    const { row } = await confirm(b);
    expect(row).toMatchObject({ status: 'attached_to_stk', paymentId: p.id });
    expect(await paymentOf(p.id)).toMatchObject({ mpesaReceipt: b.TransID, flagged: false, status: 'completed' });
    expect(await countOf(payments)).toBe(n);
    expect(await policyBalance(h.db, h.afya.id)).toBe(balance);
    const lines = await h.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.paymentId, p.id), eq(ledgerEntries.kind, 'payment_received')));
    expect(lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(-60_000);
  });

  test('two STK payments completed by query could both be it: review, nothing credited', async () => {
    const first = await completeByQuery(await stk(h.motor.id, 70_000));
    await completeByQuery(await stk(h.motor.id, 70_000));
    const n = await countOf(payments);
    const balance = await policyBalance(h.db, h.motor.id);
    const { row } = await confirm(body({ account: h.motor.number, amount: '700' }));
    expect(row.status).toBe('review');
    expect(row.reason).toMatch(/2 M-Pesa payments/);
    expect(row.reason).toContain(first.reference);
    expect(await countOf(payments)).toBe(n);
    // Finance decides which one it is: that payment gets the receipt, nothing is credited again.
    expect(await attachPaybillToStk(h.db, support, { receiptId: row.id, paymentReference: first.reference, note: 'Checked' })).toMatchObject({ ok: false, code: 'forbidden' });
    const attached = await attachPaybillToStk(h.db, finance, { receiptId: row.id, paymentReference: first.reference, note: 'Same time as the prompt' });
    expect(attached.ok && attached.receipt).toMatchObject({ status: 'attached_to_stk', paymentId: first.id });
    expect(await paymentOf(first.id)).toMatchObject({ mpesaReceipt: row.transId, flagged: false });
    expect(await countOf(payments)).toBe(n);
    expect(await policyBalance(h.db, h.motor.id)).toBe(balance);
  });

  test('an STK prompt of the same amount still waiting: review, then settled by the re-check', async () => {
    const p = await stk(h.motor.id, 80_000);
    const b = body({ account: h.motor.number, amount: '800' });
    const { row } = await confirm(b);
    expect(row.status).toBe('review');
    const [job] = await h.db.select().from(jobs).where(eq(jobs.key, `${PAYBILL_RECHECK_JOB}:${row.id}:0`));
    expect(job).toBeTruthy();
    // The holder cancelled the prompt: this was separate money, so the re-check credits it.
    const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
    await respondToPrompt(h.db, prompt.id, 'cancel');
    await h.db.update(jobs).set({ runAt: new Date() }).where(eq(jobs.id, job.id));
    await runDueJobs(h.db, paybillJobHandlers, 10, [PAYBILL_RECHECK_JOB]);
    const [after] = await h.db.select().from(paybillReceipts).where(eq(paybillReceipts.id, row.id));
    expect(after).toMatchObject({ status: 'credited', matchedBy: 'exact' });
    expect((await paymentOf(after.paymentId)).channel).toBe('paybill');
  });
});

describe('a prompt closed without M-Pesa\'s final word', () => {
  test('the Paybill payment of the same amount is credited, and flagged for staff', async () => {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 90_000, phone: '0712345678' });
    if (!r.ok) throw new Error(r.error);
    // No answer at all: our sweep closes it as expired (timeout) and will ask again later.
    const silent = mpesaCheck({ stkQuery: async () => ({ state: 'no_answer', detail: 'timeout' }) });
    await sweepPayment(h.db, { ...h.checks, mpesa: silent }, r.payment.id, new Date(Date.now() + 20 * 60_000));
    await h.db.update(sandboxStkPrompts).set({ resultCode: '1037' }).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
    expect((await paymentOf(r.payment.id)).status).toBe('expired');
    const { row } = await confirm(body({ account: h.afya.number, amount: '900' }));
    expect(row.status).toBe('credited');
    const p = await paymentOf(row.paymentId);
    expect(p.flagged).toBe(true);
    expect(p.flagReason).toContain(r.payment.reference);

    // Later, the re-check's STK Query says the closed prompt was paid (no receipt): that may be the
    // same money, so it is held for review and nothing is credited a second time.
    const balance = await policyBalance(h.db, h.afya.id);
    const paid = mpesaCheck({ stkQuery: async () => ({ state: 'final', resultCode: '0', resultDesc: 'The service request is processed successfully.' }) });
    await recheckClosedPayment(h.db, { ...h.checks, mpesa: paid }, { paymentId: r.payment.id, closedAt: new Date().toISOString() });
    const stkAfter = await paymentOf(r.payment.id);
    expect(stkAfter.status).toBe('review');
    expect(stkAfter.flagReason).toContain(p.reference);
    expect(await policyBalance(h.db, h.afya.id)).toBe(balance);
    expect(await h.db.select().from(ledgerEntries).where(eq(ledgerEntries.paymentId, r.payment.id))).toHaveLength(0);
  });
});

describe('forged and held confirmations', () => {
  test('a wrong secret path is refused and changes nothing', async () => {
    const before = [await countOf(gatewayEvents), await countOf(paybillReceipts), await countOf(payments), await countOf(jobs)];
    const b = body({ account: h.afya.number });
    for (const secret of ['0'.repeat(40), c2bSecret('validation'), '', c2bSecret('confirmation').slice(0, 39)]) {
      const { answer, row } = await confirm(b, { secret });
      expect(answer.status).toBe(404);
      expect(row).toBeUndefined();
    }
    expect([await countOf(gatewayEvents), await countOf(paybillReceipts), await countOf(payments), await countOf(jobs)]).toEqual(before);
  });

  test('a malformed body is kept for staff, never applied', async () => {
    const n = await countOf(payments);
    const { answer } = await confirm(body({ account: h.afya.number }), { raw: '{"TransID":"X"' });
    expect(answer.status).toBe(400);
    expect(await countOf(payments)).toBe(n);
  });

  test('from an address not on MPESA_CALLBACK_ALLOWED_IPS: stored but held for review', async () => {
    process.env.MPESA_CALLBACK_ALLOWED_IPS = '196.201.214.200, 196.201.214.206';
    const { answer, row } = await confirm(body({ account: h.afya.number, amount: '100' }), { ip: '203.0.113.9' });
    expect(answer.status).toBe(200);
    expect(row).toMatchObject({ status: 'review', paymentId: null });
    expect(row.reason).toMatch(/203\.0\.113\.9/);
  });
});

describe('validation', () => {
  const validate = (b: ReturnType<typeof body>, secret = c2bSecret('validation')) => handleC2bValidation(h.db, { secret, rawBody: JSON.stringify(b) });
  test('off unless enabled: accepts everything', async () => {
    expect((await validate(body({ account: 'NOPE' }))).body).toEqual({ ResultCode: '0', ResultDesc: 'Accepted' });
  });
  test('enabled: refuses only an account that matches no active policy, quickly', async () => {
    process.env.MPESA_C2B_VALIDATION = '1';
    const started = Date.now();
    expect((await validate(body({ account: 'NOPE' }))).body).toEqual({ ResultCode: 'C2B00012', ResultDesc: 'Rejected' });
    expect((await validate(body({ account: 'mlp afy 240342' }))).body).toEqual({ ResultCode: '0', ResultDesc: 'Accepted' });
    expect((await validate(body({ account: 'MLP-AFY-240343', first: 'X', last: 'Y' }))).body.ResultCode).toBe('0');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await validate(body({ account: 'NOPE' }), 'f'.repeat(40))).status).toBe(404);
  });
});

describe('allocating unmatched money (four eyes)', () => {
  async function unallocated(amount = '1200') {
    const { row } = await confirm(body({ account: 'WRONG-ACCOUNT', amount, first: 'PETER', last: 'MWANGI' }));
    expect(row.status).toBe('unallocated');
    return row;
  }

  test('raised by one person, approved by a second finance member: credited, receipted, audited', async () => {
    const row = await unallocated();
    const raised = await raisePaybillAllocation(h.db, support, { receiptId: row.id, policyId: h.afya.id, note: 'Holder called: typed the wrong account' });
    expect(raised.ok).toBe(true);
    // Support cannot approve; nor can whoever raised it.
    expect(await approvePaybillAllocation(h.db, support, { receiptId: row.id, note: 'ok' })).toMatchObject({ ok: false, code: 'forbidden' });
    const own = await raisePaybillAllocation(h.db, finance, { receiptId: row.id, policyId: h.afya.id, note: 'again' });
    expect(own).toMatchObject({ ok: false, code: 'conflict' });
    const before = await policyBalance(h.db, h.afya.id);
    const approved = await approvePaybillAllocation(h.db, finance, { receiptId: row.id, note: 'Checked the statement' });
    expect(approved.ok).toBe(true);
    const [after] = await h.db.select().from(paybillReceipts).where(eq(paybillReceipts.id, row.id));
    expect(after).toMatchObject({ status: 'allocated', matchedBy: 'staff', decidedBy: finance.userId });
    const p = await paymentOf(after.paymentId);
    expect(p).toMatchObject({ status: 'completed', channel: 'paybill', policyId: h.afya.id, mpesaReceipt: row.transId, amountMinor: 120_000 });
    expect(p.receiptNo).toBeTruthy();
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 120_000);
    expect(await h.db.select().from(jobs).where(eq(jobs.key, `${PAYMENT_OUTCOME_JOB}:${p.id}:completed`))).toHaveLength(1);
    const audit = await h.db.select({ action: auditLog.action, actorId: auditLog.actorId }).from(auditLog).where(eq(auditLog.targetId, row.id));
    expect(audit).toEqual(expect.arrayContaining([{ action: 'paybill.raise_allocation', actorId: support.userId }, { action: 'paybill.approve_allocation', actorId: finance.userId }]));
    const { listAudit } = await import('@/lib/audit');
    const { rows } = await listAudit(h.db, finance, { action: 'paybill.approve_allocation' });
    expect(rows[0].targetReference).toBe(`M-Pesa ${row.transId}`);
    // Approving again changes nothing.
    expect(await approvePaybillAllocation(h.db, finance2, { receiptId: row.id, note: 'again' })).toMatchObject({ ok: false, code: 'conflict' });
  });

  test('the raiser never approves; above the threshold two different approvers', async () => {
    const row = await unallocated('900');
    await raisePaybillAllocation(h.db, finance, { receiptId: row.id, policyId: h.afya.id, note: 'From the statement' });
    expect(await approvePaybillAllocation(h.db, finance, { receiptId: row.id, note: 'mine' })).toMatchObject({ ok: false, code: 'conflict' });
    const first = await approvePaybillAllocation(h.db, finance2, { receiptId: row.id, note: 'one' }, { secondApprovalAboveMinor: 50_000 });
    expect(first.ok && first.receipt.status).toBe('allocation_requested');
    expect(await approvePaybillAllocation(h.db, finance2, { receiptId: row.id, note: 'two' }, { secondApprovalAboveMinor: 50_000 })).toMatchObject({ ok: false });
    // Still only raiser and first approver on hand: nothing is credited.
    const [still] = await h.db.select().from(paybillReceipts).where(eq(paybillReceipts.id, row.id));
    expect(still.paymentId).toBeNull();
    const rejected = await rejectPaybillAllocation(h.db, finance2, { receiptId: row.id, note: 'Wrong policy after all' });
    expect(rejected.ok && rejected.receipt.status).toBe('unallocated');
  });

  test('money that belongs to no policy is marked for refund (finance only)', async () => {
    const row = await unallocated('300');
    expect(await markPaybillForRefund(h.db, support, { receiptId: row.id, note: 'Not ours' })).toMatchObject({ ok: false, code: 'forbidden' });
    const marked = await markPaybillForRefund(h.db, finance, { receiptId: row.id, note: 'Not our customer; send it back' });
    expect(marked.ok && marked.receipt.status).toBe('refund_marked');
    expect(await raisePaybillAllocation(h.db, support, { receiptId: row.id, policyId: h.afya.id, note: 'late' })).toMatchObject({ ok: false, code: 'conflict' });
  });
});

describe('the sandbox Paybill over real HTTP', () => {
  test('register URLs (idempotent), then validation + confirmation in Daraja shapes, masked and hashed MSISDN', async () => {
    const { registerC2bUrls } = await import('@/lib/paybill/register');
    const { payByPaybill, c2bRegistration } = await import('@/lib/sandbox/daraja/c2b');
    const env = { ...process.env, APP_URL: h.origin } as NodeJS.ProcessEnv;
    for (let i = 0; i < 2; i++) expect(await registerC2bUrls(h.db, env)).toMatchObject({ ok: true });
    const reg = await c2bRegistration(h.db);
    expect(reg?.confirmationUrl).toBe(`${h.origin}/api/v1/payments/paybill/confirmation/${c2bSecret('confirmation')}`);
    expect(reg?.confirmationUrl).not.toMatch(/mpesa|safaricom|query|sql|exe|cmd/i);

    const masked = await payByPaybill(h.db, { account: 'mlp afy 24O342', amountKes: 700, payerName: 'Wanjiku Kamau', phone: '0712345678', msisdnFormat: 'masked' });
    expect(masked).toMatchObject({ ok: true, validation: '0', confirmationStatus: 200 });
    const [row] = await h.db.select().from(paybillReceipts).where(eq(paybillReceipts.transId, masked.ok ? masked.transId : ''));
    expect(row).toMatchObject({ status: 'credited', msisdn: '2547****678', amountMinor: 70_000 });

    const hashed = await payByPaybill(h.db, { account: h.afya.number, amountKes: 10, payerName: 'Wanjiku Kamau', phone: '0712345678', msisdnFormat: 'hashed' });
    const [row2] = await h.db.select().from(paybillReceipts).where(eq(paybillReceipts.transId, hashed.ok ? hashed.transId : ''));
    expect(row2.msisdn).toMatch(/^[0-9a-f]{64}$/);
    expect(row2.status).toBe('credited');

    // With validation on, an account matching nothing is refused before any money moves.
    process.env.MPESA_C2B_VALIDATION = '1';
    const n = await countOf(paybillReceipts);
    const refused = await payByPaybill(h.db, { account: 'NOT-A-POLICY', amountKes: 10, payerName: 'X Y' });
    expect(refused).toMatchObject({ ok: false, validation: 'C2B00012' });
    expect(await countOf(paybillReceipts)).toBe(n);
  });
});
