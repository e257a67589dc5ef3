// Defects a new holder ran into (issue 20), each pinned by the outcome a holder sees: rows,
// statuses, emails, totals. Real database and the Daraja emulator over HTTP (tests/harness.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { jobs, outboxMessages, payments, type Job, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { createNotificationJobHandlers, NOTIFY_PAYMENT_JOB } from '@/lib/notifications/jobs';
import { initiateMpesaPayment, REPLACED_CODE } from '@/lib/payments/pay-by-mpesa';
import { policyBalance } from '@/lib/payments/core/ledger';
import { publicStatus } from '@/lib/payments/public-status';
import { waitingPayments } from '@/lib/payments/queries';
import { describeTimeLeft, waitingClock, WATCH_MS, MAX_EXTENSION_MS } from '@/lib/payments/waiting';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { displayStatusLabel } from '@/lib/history/labels';
import { historySummary, listHistory } from '@/lib/history/list';
import { refundNoticeKey } from '@/lib/notifications/refund-notice';
import { approveRefund, recordMpesaPayout, rejectRefund } from '@/lib/refunds/decide';
import { refundablePayments } from '@/lib/refunds/queries';
import { requestRefund } from '@/lib/refunds/request';
import type { Viewer } from '@/lib/viewer';
import { listAudit } from '@/lib/audit';
import { parseTransactionFilters } from '@/lib/staff/filters';
import { searchTransactions } from '@/lib/staff/transactions';
import { auditCsv } from '@/lib/staff/audit-csv';
import { parseAuditQuery } from '@/lib/staff/audit-filters';
import { auditActionLabel, auditDetailRows } from '@/lib/staff/audit-labels';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const reload = async (id: string) => (await h.db.select().from(payments).where(eq(payments.id, id)))[0];
const promptsFor = async (p: Payment) =>
  p.checkoutRequestId ? h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId)) : [];
const pendingOn = (policyId: string) =>
  h.db.select().from(payments).where(and(eq(payments.policyId, policyId), eq(payments.status, 'pending')));

async function answer(p: Payment, action: 'pin' | 'cancel') {
  const [prompt] = await promptsFor(p);
  await respondToPrompt(h.db, prompt.id, action);
}

describe('a second payment while one is waiting (defect 1)', () => {
  test('a different amount or phone is not folded into the waiting payment: the holder is asked, nothing changes', async () => {
    const first = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 10_700, phone: '0712345678' });
    expect(first.ok).toBe(true);
    const firstId = first.ok ? first.payment.id : '';

    const second = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 10_800, phone: '0733111222' });
    expect(second).toMatchObject({ ok: false, code: 'in_progress' });
    expect(!second.ok && second.payment?.id).toBe(firstId);
    expect(!second.ok && second.error).toMatch(/still waiting/i);
    const pending = await pendingOn(h.afya.id);
    expect(pending.map((p) => [p.id, p.amountMinor, p.phone])).toEqual([[firstId, 10_700, '254712345678']]);
    // The dashboard and pay page find it.
    expect((await waitingPayments(h.db, h.holder, h.afya.id)).map((p) => p.id)).toEqual([firstId]);
    expect(await waitingPayments(h.db, h.other, h.afya.id)).toEqual([]);

    // The same request again (a double tap) is still the same payment.
    const again = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 10_700, phone: '0712 345 678' });
    expect(again).toMatchObject({ ok: true, existing: true });
    expect(again.ok && again.payment.id).toBe(firstId);
  });

  test('"Start again" closes the waiting payment on our side (cancelled, replaced) and sends the new prompt', async () => {
    const [old] = await pendingOn(h.afya.id);
    const next = await initiateMpesaPayment(h.db, h.gateway, h.holder, {
      policyId: h.afya.id,
      amountMinor: 10_800,
      phone: '0733111222',
      replacePaymentId: old.id,
    });
    expect(next).toMatchObject({ ok: true, existing: false });
    if (!next.ok) return;
    const closed = await reload(old.id);
    expect(closed).toMatchObject({ status: 'cancelled', failureCode: REPLACED_CODE });
    expect(next.payment).toMatchObject({ status: 'pending', amountMinor: 10_800, phone: '254733111222' });
    expect(await promptsFor(next.payment)).toHaveLength(1);
    expect((await pendingOn(h.afya.id)).map((p) => p.id)).toEqual([next.payment.id]);

    // No email for an attempt the holder closed themselves.
    const [job] = await h.db.select().from(jobs).where(eq(jobs.key, `${NOTIFY_PAYMENT_JOB}:${old.id}:cancelled`));
    const handlers = createNotificationJobHandlers({ mailer: () => ({ send: async () => {} }), origin: () => h.origin });
    expect(await handlers[NOTIFY_PAYMENT_JOB](h.db, job as Job)).toMatchObject({ done: true });
    expect(await h.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payment:${old.id}:cancelled`))).toEqual([]);
    await answer(next.payment, 'cancel');
  });

  test('"Start again" for a payment that was paid meanwhile sends nothing, so nobody pays twice', async () => {
    const first = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 10_000, phone: '0712345678' });
    if (!first.ok) throw new Error(first.error);
    await answer(first.payment, 'pin');
    expect((await reload(first.payment.id)).status).toBe('completed');
    const balance = await policyBalance(h.db, h.afya.id);
    const retry = await initiateMpesaPayment(h.db, h.gateway, h.holder, {
      policyId: h.afya.id,
      amountMinor: 10_000,
      phone: '0712345678',
      replacePaymentId: first.payment.id,
    });
    expect(retry).toMatchObject({ ok: false, code: 'in_progress' });
    expect(!retry.ok && retry.error).toMatch(/gone through/);
    expect(await pendingOn(h.afya.id)).toEqual([]);
    expect(await policyBalance(h.db, h.afya.id)).toBe(balance);
  });
});

describe('ambiguous gateway answers (defect 4)', () => {
  test('Daraja 500: the result says the outcome is unknown, so the holder is taken to the payment, which keeps checking', async () => {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 10_000, phone: '0700000500' });
    expect(r).toMatchObject({ ok: false, code: 'gateway', outcomeUnknown: true });
    if (r.ok || !r.payment) throw new Error('expected a recorded payment');
    const status = publicStatus(await reload(r.payment.id));
    expect(status).toMatchObject({ status: 'expired', outcomeUnknown: true });
  });

  test('a sure refusal (spike arrest) is not "unknown": the form shows the message', async () => {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.afya.id, amountMinor: 10_000, phone: '0700000429' });
    expect(r).toMatchObject({ ok: false, code: 'gateway', outcomeUnknown: false });
    if (r.ok || !r.payment) throw new Error('expected a recorded payment');
    expect(publicStatus(await reload(r.payment.id))).toMatchObject({ status: 'failed', outcomeUnknown: false });
  });
});

describe('the waiting clocks (defect 5)', () => {
  test('prompt about a minute, page five minutes; an extension is honoured only within bounds', () => {
    const createdAt = new Date('2026-12-01T10:00:00Z');
    const t0 = createdAt.getTime();
    const clock = waitingClock({ createdAt }, t0 + 10_000);
    expect(clock.promptEndsAt - t0).toBe(60_000);
    expect(clock.watchEndsAt - t0).toBe(WATCH_MS);
    const now = t0 + 4.5 * 60_000;
    expect(waitingClock({ createdAt }, now, now + WATCH_MS).watchEndsAt).toBe(now + WATCH_MS);
    // A tampered link cannot keep the page watching for hours, nor shorten the normal watch.
    expect(waitingClock({ createdAt }, now, now + 10 * 3600_000).watchEndsAt).toBe(now + MAX_EXTENSION_MS);
    expect(waitingClock({ createdAt }, t0, t0 + 1000).watchEndsAt).toBe(t0 + WATCH_MS);
    expect(describeTimeLeft(45_000)).toBe('45 seconds');
    expect(describeTimeLeft(4 * 60_000 + 10_000)).toBe('about 4 minutes');
  });
});


describe('refunded payments and refund emails (defects 3 and 6)', () => {
  const noPaystack = { paystack: { createRefund: async () => { throw new Error('not used for M-Pesa'); } } } as never;
  let staff: Viewer;
  let paid: Payment;
  const mail: { to: string; subject: string; text: string }[] = [];
  const runNotices = async () => {
    const handlers = createNotificationJobHandlers({ mailer: () => ({ send: async (m) => void mail.push(m) }), origin: () => h.origin });
    const queued = await h.db.select().from(jobs).where(eq(jobs.kind, 'notify.refund'));
    for (const job of queued) await handlers['notify.refund'](h.db, job);
  };

  beforeAll(async () => {
    const [u] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.staff.email));
    staff = { userId: u.id, role: u.role };
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId: h.motor.id, amountMinor: 500_000, phone: '0712345678' });
    if (!r.ok) throw new Error(r.error);
    await answer(r.payment, 'pin');
    paid = await reload(r.payment.id);
    expect(paid.status).toBe('completed');
  });

  test('part refunded: the row says so, the Paid total counts only money kept, each step is emailed once', async () => {
    const before = await historySummary(h.db, h.holder, {});
    const asked = await requestRefund(h.db, h.holder, { paymentId: paid.id, amountMinor: 200_000, reason: 'Paid twice by mistake' });
    if (!asked.ok) throw new Error(asked.error);
    expect(await approveRefund(h.db, staff, { refundId: asked.refund.id, note: 'Checked, duplicate' }, noPaystack)).toMatchObject({ ok: true });
    expect(await recordMpesaPayout(h.db, staff, { refundId: asked.refund.id, reference: 'UKP9REFUND' })).toMatchObject({ ok: true });

    const { rows } = await listHistory(h.db, h.holder, { q: paid.reference });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'completed', refundedMinor: 200_000 });
    expect(displayStatusLabel(rows[0])).toBe('Part refunded');
    const after = await historySummary(h.db, h.holder, {});
    expect(after.completedMinor).toBe(before.completedMinor);
    expect(after.refundedMinor - before.refundedMinor).toBe(200_000);
    expect(after.keptMinor).toBe(before.keptMinor - 200_000);

    await runNotices();
    await runNotices(); // a second run (a retried job) sends nothing new
    // The decision here; the money going back is the refund note email (one message, note attached).
    expect(mail.map((m) => m.subject)).toEqual(['Refund approved: KES 2,000.00']);
    expect(mail.every((m) => m.to === DEMO_USERS.holder.email)).toBe(true);
    expect(mail[0].text).toContain(`${h.origin}/dashboard/refunds`);
    const keys = (await h.db.select().from(outboxMessages).where(eq(outboxMessages.userId, h.holder.userId))).map((m) => m.dedupeKey);
    expect(keys).toContain(refundNoticeKey(asked.refund.id, 'approved'));
    const noteJobs = await h.db.select().from(jobs).where(eq(jobs.key, `notify.refund_note:${asked.refund.id}`));
    expect(noteJobs).toHaveLength(1);
  });

  test('a rejected request is emailed with the note; fully refunded reads "Refunded" and cannot be asked for again', async () => {
    mail.length = 0;
    const asked = await requestRefund(h.db, h.holder, { paymentId: paid.id, amountMinor: 100_000, reason: 'Changed my mind' });
    if (!asked.ok) throw new Error(asked.error);
    expect(await rejectRefund(h.db, staff, { refundId: asked.refund.id, note: 'Cover already used this month' })).toMatchObject({ ok: true });
    await runNotices();
    expect(mail.map((m) => m.subject)).toEqual(['Refund not approved: KES 1,000.00']);
    expect(mail[0].text).toContain('Our note: Cover already used this month');

    const rest = await requestRefund(h.db, h.holder, { paymentId: paid.id, amountMinor: 300_000, reason: 'Cancelling the policy' });
    if (!rest.ok) throw new Error(rest.error);
    await approveRefund(h.db, staff, { refundId: rest.refund.id, note: 'Policy cancelled' }, noPaystack);
    await recordMpesaPayout(h.db, staff, { refundId: rest.refund.id, reference: 'UKP9REFUN2' });
    const { rows } = await listHistory(h.db, h.holder, { q: paid.reference });
    expect(displayStatusLabel(rows[0])).toBe('Refunded');
    expect(await refundablePayments(h.db, h.holder, paid.id)).toEqual([]);
    // Staff see it too: the transactions list carries the refunded total for its badge.
    const staffRows = (await searchTransactions(h.db, staff, parseTransactionFilters(new URLSearchParams({ q: paid.reference })))).rows;
    expect(staffRows.map((r) => [r.id, r.refundedMinor])).toEqual([[paid.id, 500_000]]);
  });
});

describe('the audit log in words, filtered and exported (defect 7)', () => {
  test('labels, who/what/when filters, the payment reference, and a CSV with the same rows', async () => {
    const [u] = await h.db.select().from(users).where(eq(users.email, DEMO_USERS.staff.email));
    const staff: Viewer = { userId: u.id, role: u.role };
    const all = await listAudit(h.db, staff, { limit: 200 });
    expect(all.rows.length).toBeGreaterThanOrEqual(5); // the refund decisions above

    const rejected = await listAudit(h.db, staff, { action: 'refund.reject' });
    expect(rejected.rows).toHaveLength(1);
    expect(auditActionLabel(rejected.rows[0].entry.action)).toBe('Turned down a refund');
    expect(rejected.rows[0].targetReference).toMatch(/^MLP-/);
    const detail = auditDetailRows(rejected.rows[0].entry.detail, { forScreen: true });
    expect(detail).toEqual([
      { key: 'amountMinor', label: 'Amount', value: 'KES 1,000.00' },
      { key: 'note', label: 'Note', value: 'Cover already used this month' },
    ]);
    expect(auditActionLabel('team.invite_member')).toBe('Team: invite member');

    expect((await listAudit(h.db, staff, { actorId: h.holder.userId })).rows).toEqual([]);
    expect((await listAudit(h.db, staff, { actorId: staff.userId })).rows).toHaveLength(all.rows.length);
    expect((await listAudit(h.db, staff, { from: '2020-01-01', to: '2020-01-31' })).rows).toEqual([]);
    const today = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
    expect((await listAudit(h.db, staff, { from: today, to: today })).rows).toHaveLength(all.rows.length);

    const q = parseAuditQuery(new URLSearchParams({ who: staff.userId, what: 'refund.reject', from: '2026-12-31', to: '2026-01-01', before: 'x<' }));
    expect(q).toEqual({ actorId: staff.userId, action: 'refund.reject', from: '2026-01-01', to: '2026-12-31', before: undefined, swapped: true });
    expect(parseAuditQuery({ what: "refund.reject'; --" }).action).toBeUndefined();

    let csv = '';
    for await (const chunk of auditCsv(h.db, staff, { action: 'refund.approve' }, 1)) csv += chunk;
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Time (EAT),Who,Email,What,Action code,About,Payment reference,Record id,Details');
    expect(lines).toHaveLength(1 + 2); // two approvals, read one per batch
    expect(lines[1]).toContain('Approved a refund,refund.approve,refund,MLP-');
    expect(lines[1]).toMatch(/Amount: KES 3,000\.00; Method: M-Pesa; Note: Policy cancelled/);
    await expect(listAudit(h.db, h.holder)).rejects.toThrow();
  });
});
