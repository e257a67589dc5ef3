// The staff console at the domain level: search and filters over real payments, keyset pages,
// "check with the gateway now", resolving payments held for review (exactly once, concurrently),
// the audit trail, and every staff action refused for a policyholder.
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { paybillReceipts } from '@/db/paybill-schema';
import { ingestPaybillPayment } from '@/lib/paybill/ingest';
import { auditLog, ledgerEntries, payments, reviewProposals, users, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { DEMO_USERS } from '@/db/seed';
import { listAudit } from '@/lib/audit';
import { callbackToken } from '@/lib/payments/mpesa/callback-token';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { policyBalance } from '@/lib/payments/core/ledger';
import { applyQueuedStkCallbacks, handleStkCallback } from '@/lib/payments/pay-by-mpesa';
import { listPolicies } from '@/lib/policies';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { completeCheckout } from '@/lib/sandbox/paystack/checkout';
import { ForbiddenError } from '@/lib/staff/access';
import { parseTransactionFilters, type TransactionFilters } from '@/lib/staff/filters';
import { refreshStaffOverview, staffOverview } from '@/lib/staff/overview';
import { getStaffPayment } from '@/lib/staff/payment-detail';
import { checkWithGateway, clearFlag } from '@/lib/staff/payment-actions';
import { declineReviewProposal, resolveReview } from '@/lib/staff/review-decision';
import { simulateWrongAmount } from '@/lib/sandbox/daraja/wrong-amount';
import { simulateLostCallback } from '@/lib/sandbox/daraja/lost-callback';
import { searchTransactions } from '@/lib/staff/transactions';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let staff: Viewer;
let finance2: Viewer;
let home: { id: string };
beforeAll(async () => {
  h = await startHarness();
  home = (await listPolicies(h.db, h.holder)).find((p) => p.number.startsWith('MLP-HOM'))!;
  const [u] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.staff.email));
  staff = { userId: u.id, role: u.role };
  const [f2] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.finance2.email));
  finance2 = { userId: f2.id, role: f2.role };
});
afterAll(async () => {
  await h?.close();
});

const CARD = { number: '4084084084084081', expiry: '12/30', cvv: '408' };
const noWebhook: typeof fetch = async () => new Response(null, { status: 204 });
const reload = async (id: string) => (await h.db.select().from(payments).where(eq(payments.id, id)))[0];
const ledgerSum = async (id: string) =>
  (await h.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.paymentId, id), eq(ledgerEntries.account, 'holder')))).reduce((s, l) => s + l.amountMinor, 0);
const auditCount = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n;
const gateways = () => h.checks;

async function startMpesa(policyId: string, amountMinor: number, viewer = h.holder, phone = '0712345678') {
  const r = await initiateMpesaPayment(h.db, h.gateway, viewer, { policyId, amountMinor, phone });
  if (!r.ok) throw new Error(r.error);
  return r.payment;
}
async function promptId(p: Payment) {
  const [row] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
  return row.id;
}
async function payMpesa(policyId: string, amountMinor: number, viewer = h.holder, phone = '0712345678') {
  const p = await startMpesa(policyId, amountMinor, viewer, phone);
  await respondToPrompt(h.db, await promptId(p), 'pin');
  return reload(p.id);
}
async function payCard(policyId: string, amountMinor: number, opts: { webhook?: boolean } = {}) {
  const r = await initiateCardPayment(h.db, h.card, h.holder, { policyId, amountMinor });
  if (!r.ok) throw new Error(r.error);
  const access = r.payment.checkoutUrl!.split('/').pop()!;
  await completeCheckout(h.db, access, CARD, { secretKey: h.paystackConfig.secretKey, appOrigin: h.origin, fetch: opts.webhook === false ? noWebhook : undefined });
  return reload(r.payment.id);
}
/** A success callback whose amount does not match: held for review, nothing credited. */
async function paymentInReview(policyId: string, amountMinor: number) {
  const p = await startMpesa(policyId, amountMinor);
  const body = `{"Body":{"stkCallback":{"MerchantRequestID":"${p.merchantRequestId}","CheckoutRequestID":"${p.checkoutRequestId}","ResultCode":0,"ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"UKP1FORGED"},{"Name":"PhoneNumber","Value":254712345678}]}}}}`;
  await handleStkCallback(h.db, { paymentId: p.id, token: callbackToken(p.id), rawBody: body });
  await applyQueuedStkCallbacks(h.db);
  await h.db.update(sandboxStkPrompts).set({ resultCode: '0', answeredAt: new Date() }).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
  const held = await reload(p.id);
  expect(held.status).toBe('review');
  return held;
}
const search = async (f: Partial<TransactionFilters>, pageSize = 50) => (await searchTransactions(h.db, staff, parseTransactionFilters(f as Record<string, string>), pageSize)).rows;
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe('search and filters', () => {
  let mpesa: Payment;
  let card: Payment;
  let otherPending: Payment;
  beforeAll(async () => {
    mpesa = await payMpesa(h.motor.id, 1_200_000);
    card = await payCard(h.afya.id, 350_000);
    const [otherPolicy] = await h.db.execute(sql`select id from policies where number = 'MLP-MOT-240999'`).then((r) => (Array.isArray(r) ? r : (r as { rows: { id: string }[] }).rows) as { id: string }[]);
    otherPending = await startMpesa(otherPolicy.id, 100_000, h.other, '0722 000 111');
  });

  test('by our reference, M-Pesa receipt, Paystack reference, phone, email, policy number and name', async () => {
    expect(ids(await search({ q: mpesa.reference.toLowerCase() }))).toEqual([mpesa.id]);
    expect(ids(await search({ q: mpesa.mpesaReceipt! }))).toEqual([mpesa.id]);
    expect(ids(await search({ q: card.paystackReference! }))).toEqual([card.id]);
    // 07… as people type it, normalised to the stored 2547… form.
    expect(ids(await search({ q: '0722 000 111' }))).toEqual([otherPending.id]);
    expect(ids(await search({ q: '+254722000111' }))).toEqual([otherPending.id]);
    expect(ids(await search({ q: 'OTIENO@example.com' }))).toEqual([otherPending.id]);
    expect(ids(await search({ q: 'mlp-afy-240342' }))).toEqual([card.id]);
    expect(ids(await search({ q: 'wanj' }))).toEqual(ids([mpesa, card]));
    expect(ids(await search({ q: 'Kamau' }))).toEqual(ids([mpesa, card]));
    expect(await search({ q: 'nobody-at-all' })).toEqual([]);
    // LIKE wildcards typed into the box are text, not patterns.
    expect(await search({ q: '%' })).toEqual([]);
  });

  test('filters: status, method, flagged, Nairobi date range', async () => {
    expect(ids(await search({ status: 'pending' }))).toEqual([otherPending.id]);
    expect(ids(await search({ method: 'card' }))).toEqual([card.id]);
    expect(ids(await search({ status: 'completed', method: 'mpesa' }))).toEqual([mpesa.id]);
    expect(await search({ flagged: '1' } as never)).toEqual([]);
    const today = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 27 * 3600_000).toISOString().slice(0, 10);
    expect((await search({ from: today, to: today })).length).toBe(3);
    expect(await search({ from: tomorrow })).toEqual([]);
    expect(ids(await search({ to: today, q: '0712345678' }))).toEqual([mpesa.id]);
    // Junk in the query string is ignored, never an error.
    expect(parseTransactionFilters({ status: 'nope', from: '2026-13-45', method: ['card', 'mpesa'] })).toMatchObject({ status: undefined, from: undefined, method: 'card' });
  });

  test('keyset pages walk every row once, newest first, even with equal timestamps', async () => {
    // Ten payments created in the same microsecond: only the id breaks the tie.
    const same = new Date('2026-01-15T09:00:00.123456Z');
    await h.db.insert(payments).values(
      Array.from({ length: 10 }, (_, i) => ({ reference: `MLP-TIE${i}`, userId: h.holder.userId, policyId: h.motor.id, method: 'card' as const, amountMinor: 1000, status: 'failed' as const, createdAt: same })),
    );
    await h.db.execute(sql`update payments set created_at = '2026-01-15 09:00:00.123456+00' where reference like 'MLP-TIE%'`);
    const all = await search({}, 500);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchTransactions(h.db, staff, parseTransactionFilters({ ...(cursor ? { cursor } : {}) }), 3);
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.map((r) => r.id));
    expect(new Set(seen).size).toBe(seen.length);
    const times = all.map((r) => r.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test('a policyholder cannot search or open staff views', async () => {
    await expect(searchTransactions(h.db, h.holder, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getStaffPayment(h.db, h.holder, mpesa.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(staffOverview(h.db, h.holder)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listAudit(h.db, h.holder)).rejects.toBeInstanceOf(ForbiddenError);
    const detail = await getStaffPayment(h.db, staff, mpesa.id);
    expect(detail?.holder.email).toBe(DEMO_USERS.holder.email);
    expect(detail?.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['status', 'gateway']));
  });
});

describe('check with the gateway now', () => {
  test('M-Pesa: the phone paid but the callback was lost; one STK Query completes it', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await startMpesa(h.afya.id, 100_000);
    const still = await checkWithGateway(h.db, staff, p.id, gateways());
    expect(still).toMatchObject({ ok: true, payment: { status: 'pending' } });
    expect(still.ok && still.message).toMatch(/no final answer/i);
    expect(await simulateLostCallback(h.db, staff, p.id)).toMatchObject({ ok: true });
    const done = await checkWithGateway(h.db, staff, p.id, gateways());
    expect(done).toMatchObject({ ok: true, payment: { status: 'completed', flagged: true } });
    expect(done.ok && done.message).toMatch(/confirms it was paid/);
    expect(await ledgerSum(p.id)).toBe(-100_000);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 100_000);
    const again = await checkWithGateway(h.db, staff, p.id, gateways());
    expect(again.ok && again.message).toMatch(/already paid/);
    expect(await ledgerSum(p.id)).toBe(-100_000);
    // The flag (no receipt yet) can be cleared once staff have checked it.
    expect(await clearFlag(h.db, staff, { paymentId: p.id, note: '' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await clearFlag(h.db, staff, { paymentId: p.id, note: 'Receipt seen on the M-Pesa statement' })).toMatchObject({ ok: true, payment: { flagged: false } });
  });

  test('card: the webhook never came; one verify completes it', async () => {
    const p = await payCard(home.id, 100_000, { webhook: false });
    expect(p.status).toBe('pending');
    const r = await checkWithGateway(h.db, staff, p.id, gateways());
    expect(r).toMatchObject({ ok: true, payment: { status: 'completed' } });
    expect(await ledgerSum(p.id)).toBe(-100_000);
  });
});

describe('payments held for review (four eyes)', () => {
  test('a proposal changes nothing; the proposer cannot confirm it; concurrent confirmations credit exactly once', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    const p = await paymentInReview(h.afya.id, 100_000);
    const proposed = await resolveReview(h.db, staff, { paymentId: p.id, decision: 'accept', note: 'Statement shows KES 1,000 paid', amountKes: '1,000' });
    expect(proposed).toMatchObject({ ok: true, payment: { status: 'review' } });
    expect(await reload(p.id)).toMatchObject({ status: 'review', flagged: true });
    expect(await ledgerSum(p.id)).toBe(0);
    // One open proposal at a time, and the proposer can never be the second pair of eyes.
    expect(await resolveReview(h.db, staff, { paymentId: p.id, decision: 'accept', note: 'confirming my own' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'reject', note: 'I disagree with this' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await reload(p.id)).toMatchObject({ status: 'review' });
    expect(await ledgerSum(p.id)).toBe(0);

    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => resolveReview(h.db, finance2, { paymentId: p.id, decision: 'accept', note: `Checked the statement too (${i})` })),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).every((a) => !a.ok && a.code === 'conflict')).toBe(true);
    expect(await reload(p.id)).toMatchObject({ status: 'completed', flagged: false });
    expect(await ledgerSum(p.id)).toBe(-100_000);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 100_000);
    const accepted = await h.db.select().from(auditLog).where(and(eq(auditLog.action, 'payment.accept'), eq(auditLog.targetId, p.id)));
    expect(accepted).toHaveLength(1);
    expect(accepted[0].actorId).toBe(finance2.userId);
    expect(accepted[0].detail).toMatchObject({ from: 'review', to: 'completed', proposedBy: staff.userId });
    const proposals = await h.db.select().from(reviewProposals).where(eq(reviewProposals.paymentId, p.id));
    expect(proposals).toMatchObject([{ status: 'confirmed', proposedBy: staff.userId, decidedBy: finance2.userId }]);
  });

  test('accepting credits the amount that arrived, which the proposer must state', async () => {
    const before = await policyBalance(h.db, h.afya.id);
    // The callback said KES 1.00 arrived for a KES 1,000 prompt.
    const p = await paymentInReview(h.afya.id, 100_000);
    expect(await resolveReview(h.db, staff, { paymentId: p.id, decision: 'accept', note: 'Statement shows KES 1 paid' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await resolveReview(h.db, staff, { paymentId: p.id, decision: 'accept', note: 'Statement shows KES 1 paid', amountKes: 'one' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await h.db.select().from(reviewProposals).where(eq(reviewProposals.paymentId, p.id))).toHaveLength(0);
    expect(await resolveReview(h.db, staff, { paymentId: p.id, decision: 'accept', note: 'Statement shows KES 1 paid', amountKes: '1' })).toMatchObject({ ok: true });
    // The confirmer may not change the amount under the proposer.
    expect(await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'accept', note: 'Saw KES 1,000', amountKes: '1000' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'accept', note: 'Statement agrees: KES 1', amountKes: '1.00' })).toMatchObject({ ok: true, payment: { status: 'completed', amountMinor: 100 } });
    expect(await ledgerSum(p.id)).toBe(-100);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 100);
  });

  test('rejecting needs a note and a second person, fails the payment and credits nothing', async () => {
    const p = await paymentInReview(h.afya.id, 100_000);
    expect(await resolveReview(h.db, staff, { paymentId: p.id, decision: 'reject', note: '  ' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await h.db.select().from(reviewProposals).where(eq(reviewProposals.paymentId, p.id))).toHaveLength(0);
    expect(await resolveReview(h.db, staff, { paymentId: p.id, decision: 'reject', note: 'Only KES 1 arrived; refunded by hand' })).toMatchObject({ ok: true });
    expect((await reload(p.id)).status).toBe('review');
    const r = await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'reject', note: 'Statement agrees: KES 1' });
    expect(r).toMatchObject({ ok: true, payment: { status: 'failed', flagged: false } });
    expect(await ledgerSum(p.id)).toBe(0);
    expect(await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'accept', note: 'changed my mind' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await ledgerSum(p.id)).toBe(0);
  });

  test('a declined proposal leaves the payment in review for a fresh decision', async () => {
    const p = await paymentInReview(h.afya.id, 100_000);
    await resolveReview(h.db, staff, { paymentId: p.id, decision: 'accept', note: 'Looks paid to me', amountKes: '1000' });
    expect(await declineReviewProposal(h.db, finance2, { paymentId: p.id, note: 'no' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await declineReviewProposal(h.db, finance2, { paymentId: p.id, note: 'Statement shows KES 1 only' })).toMatchObject({ ok: true, payment: { status: 'review' } });
    expect(await declineReviewProposal(h.db, finance2, { paymentId: p.id, note: 'Statement shows KES 1 only' })).toMatchObject({ ok: false, code: 'conflict' });
    // Now the other way round: finance2 proposes, and the first proposer confirms.
    await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'reject', note: 'Statement shows KES 1 only' });
    expect(await resolveReview(h.db, staff, { paymentId: p.id, decision: 'reject', note: 'Agreed after checking' })).toMatchObject({ ok: true, payment: { status: 'failed' } });
    expect(await ledgerSum(p.id)).toBe(0);
    const rows = await h.db.select().from(reviewProposals).where(eq(reviewProposals.paymentId, p.id));
    expect(rows.map((r) => r.status).sort()).toEqual(['confirmed', 'declined']);
    const declined = await h.db.select().from(auditLog).where(and(eq(auditLog.action, 'payment.review_declined'), eq(auditLog.targetId, p.id)));
    expect(declined).toHaveLength(1);
  });

  test('sandbox: paying a different amount on the simulated phone puts the payment under review', async () => {
    const p = await startMpesa(h.afya.id, 100_000);
    expect(await simulateWrongAmount(h.db, h.holder, p.id)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await simulateWrongAmount(h.db, staff, p.id)).toMatchObject({ ok: true });
    await applyQueuedStkCallbacks(h.db);
    const held = await reload(p.id);
    expect(held).toMatchObject({ status: 'review', flagged: true });
    expect(held.flagReason).toBe('STK callback amount KES 999.00 differs from the KES 1,000.00 requested.');
    expect(await ledgerSum(p.id)).toBe(0);
    expect(await simulateWrongAmount(h.db, staff, p.id)).toMatchObject({ ok: false, code: 'conflict' });
    // Cleaned up under four eyes, like any decision.
    await resolveReview(h.db, staff, { paymentId: p.id, decision: 'reject', note: 'Sandbox rehearsal' });
    expect(await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'reject', note: 'Sandbox rehearsal' })).toMatchObject({ ok: true, payment: { status: 'failed' } });
  });

  test('above the second-approval threshold, two different confirmers are needed', async () => {
    const [admin] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.admin.email));
    const [f3] = await h.db
      .insert(users)
      .values({ email: 'finance3@malipo.test', name: 'Third Finance', role: 'finance', passwordHash: admin.passwordHash })
      .returning();
    const finance3: Viewer = { userId: f3.id, role: 'finance' };
    const p = await paymentInReview(h.afya.id, 100_000);
    // KES 1,000 is above a KES 500 threshold (read at decision time).
    process.env.SECOND_APPROVAL_ABOVE_KES = '500';
    onTestFinished(() => {
      delete process.env.SECOND_APPROVAL_ABOVE_KES;
    });
    await resolveReview(h.db, staff, { paymentId: p.id, decision: 'accept', note: 'KES 1,000 on the statement', amountKes: '1000.00' });
    expect(await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'accept', note: 'Seen it too' })).toMatchObject({ ok: true, payment: { status: 'review' } });
    expect(await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'accept', note: 'Seen it too' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await ledgerSum(p.id)).toBe(0);
    expect(await resolveReview(h.db, finance3, { paymentId: p.id, decision: 'accept', note: 'Third check done' })).toMatchObject({ ok: true, payment: { status: 'completed' } });
    expect(await ledgerSum(p.id)).toBe(-100_000);
  });
});

describe('access and audit', () => {
  test('every staff action is refused for a policyholder, and nothing changes', async () => {
    const p = await paymentInReview(h.afya.id, 100_000);
    const pending = await startMpesa(home.id, 100_000);
    const audits = await auditCount();
    for (const viewer of [h.holder, { ...h.holder, role: 'policyholder' as const }]) {
      expect(await resolveReview(h.db, viewer, { paymentId: p.id, decision: 'accept', note: 'let me in please' })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await checkWithGateway(h.db, viewer, pending.id, gateways())).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await clearFlag(h.db, viewer, { paymentId: p.id, note: 'nothing to see here' })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await simulateLostCallback(h.db, viewer, pending.id)).toMatchObject({ ok: false, code: 'forbidden' });
    }
    expect(await reload(p.id)).toMatchObject({ status: 'review', flagged: true });
    expect(await ledgerSum(p.id)).toBe(0);
    expect((await reload(pending.id)).status).toBe('pending');
    const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, pending.checkoutRequestId!));
    expect(prompt.resultCode).toBeNull();
    expect(await auditCount()).toBe(audits);
    await resolveReview(h.db, staff, { paymentId: p.id, decision: 'reject', note: 'test cleanup' });
    await resolveReview(h.db, finance2, { paymentId: p.id, decision: 'reject', note: 'test cleanup' });
    await respondToPrompt(h.db, prompt.id, 'cancel');
  });

  test('every staff action appears in the audit log, newest first, with its actor', async () => {
    const { rows } = await listAudit(h.db, staff, { limit: 200 });
    const actions = new Set(rows.map((r) => r.entry.action));
    for (const a of ['payment.check_gateway', 'payment.accept', 'payment.reject', 'payment.clear_flag', 'sandbox.lose_callback']) expect(actions).toContain(a);
    // Each record names who acted: the proposer or the confirmer of a review decision.
    const actors = [DEMO_USERS.staff.email, DEMO_USERS.finance2.email, 'finance3@malipo.test'];
    expect(rows.every((r) => actors.includes(r.actorEmail!))).toBe(true);
    // A confirmation is never by the person who proposed it.
    for (const r of rows.filter((r) => r.entry.action === 'payment.accept' || r.entry.action === 'payment.reject')) {
      expect((r.entry.detail as { proposedBy: string }).proposedBy).not.toBe(r.entry.actorId);
    }
    const ids = rows.map((r) => r.entry.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const page = await listAudit(h.db, staff, { limit: 2 });
    const next = await listAudit(h.db, staff, { limit: 2, before: page.nextBefore! });
    expect(next.rows[0].entry.id).toBeLessThan(page.rows[1].entry.id);
  });
});

describe('overview', () => {
  test('collections by method, queues, overdue holders to contact and commission owed', async () => {
    // Paybill money for an account that is no policy waits for staff.
    const waiting = await ingestPaybillPayment(h.db, { transId: 'UKP1NOPOL1', transTime: new Date(), amountMinor: 12_300, shortCode: '174379', billRef: 'NOSUCH-1', payerName: 'JOHN DOE', msisdn: null, source: 'c2b_confirmation' });
    expect(waiting.outcome).toBe('unallocated');
    const o = await staffOverview(h.db, staff);
    const completed = await h.db.select().from(payments).where(eq(payments.status, 'completed'));
    const sum = (m: string) => completed.filter((p) => p.method === m).reduce((s, p) => s + p.amountMinor, 0);
    expect(o.collected.today).toEqual({ mpesa: sum('mpesa'), card: sum('card') });
    expect(o.collected.month).toEqual(o.collected.today);
    expect(o.collected.week).toEqual(o.collected.today);
    expect(o.daily.at(-1)).toMatchObject({ mpesa: sum('mpesa'), card: sum('card') });
    expect(o.daily).toHaveLength(30);
    expect(o.successRate).toBeGreaterThan(0);
    expect(o.medianConfirmSeconds).not.toBeNull();
    expect(o.queues.pending).toBe((await h.db.select().from(payments).where(eq(payments.status, 'pending'))).length);
    // Paybill money waiting for staff (unmatched, held, or raised and awaiting approval).
    expect(o.queues.paybillWaiting).toBeGreaterThan(0);
    expect(o.queues.paybillWaiting).toBe((await h.db.select().from(paybillReceipts).where(inArray(paybillReceipts.status, ['unallocated', 'review', 'allocation_requested']))).length);
    // Otieno's first installment is 3 days overdue and unpaid; Wanjiku's motor one was paid above.
    expect(o.overdue.map((r) => r.number)).toEqual(['MLP-MOT-240999']);
    expect(o.overdue[0]).toMatchObject({ name: 'Otieno Odhiambo', phone: '254722000111', email: 'otieno@example.com', overdue: 250_000 });
    // 10% of the motor payments (12,000 by M-Pesa).
    expect(o.commission).toEqual([expect.objectContaining({ name: expect.stringMatching(/Baraka/), owed: 120_000 })]);
  });

  test('today and the queues are live; the slow figures come from a snapshot the job refreshes', async () => {
    const t0 = new Date();
    await refreshStaffOverview(h.db, t0);
    const before = await staffOverview(h.db, staff);
    expect(before.asOf.getTime()).toBe(t0.getTime()); // fresh enough: read, not recomputed
    await payMpesa(h.motor.id, 100_000); // the motor policy's agent earns 10%
    const after = await staffOverview(h.db, staff);
    // Collected today, this week and this month move at once, by exactly the payment.
    expect(after.collected.today.mpesa).toBe(before.collected.today.mpesa + 100_000);
    expect(after.collected.week.mpesa).toBe(before.collected.week.mpesa + 100_000);
    expect(after.collected.month.mpesa).toBe(before.collected.month.mpesa + 100_000);
    expect(after.daily.at(-1)!.mpesa).toBe(before.daily.at(-1)!.mpesa + 100_000);
    expect(after.queues).toEqual(before.queues);
    // Commission owed is the snapshot's until the job runs again.
    expect(after.asOf.getTime()).toBe(t0.getTime());
    expect(after.commission).toEqual(before.commission);
    await refreshStaffOverview(h.db);
    const refreshed = await staffOverview(h.db, staff);
    expect(refreshed.commission[0].owed).toBe(before.commission[0].owed + 10_000);
    expect(refreshed.collected).toEqual(after.collected);
    // A snapshot older than five minutes (the job stopped) is recomputed by the read itself.
    const later = new Date(Date.now() + 6 * 60_000);
    expect((await staffOverview(h.db, staff, later)).asOf.getTime()).toBe(later.getTime());
  });
});
