// Notifications at the domain level: real payments queue 'notify.payment' jobs; the job handlers
// write each email to the outbox once and hand it to a recording mailer; reminders go out once
// per installment and stage. Time is moved by hand for the reminder runs.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { payLinkUrl } from '@/lib/holder-access/pay-link';
import { and, eq, like } from 'drizzle-orm';
import { PDFParse } from 'pdf-parse';
import { jobs, outboxMessages, payments, type Job, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { DEMO_USERS } from '@/db/seed';
import { runDueJobs } from '@/lib/jobs/worker';
import { createNotificationJobHandlers, NOTIFY_PAYMENT_JOB, REMINDERS_JOB, REMINDERS_JOB_KEY, scheduleReminders } from '@/lib/notifications/jobs';
import type { Mailer, OutgoingMail } from '@/lib/notifications/mailer';
import { listOutbox } from '@/lib/notifications/outbox';
import { buildPaymentNotice, paymentNoticeKey } from '@/lib/notifications/payment-notice';
import { reminderKey } from '@/lib/notifications/reminders';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { installmentsWithPaid } from '@/lib/payments/core/ledger';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { startHarness, type Harness } from './harness';

const DAY = 86400_000;
let h: Harness;
let sent: OutgoingMail[] = [];
let now = new Date();
const recorder: Mailer = { send: async (m) => void sent.push(m) };
let handlers: ReturnType<typeof createNotificationJobHandlers>;

beforeAll(async () => {
  h = await startHarness();
  handlers = createNotificationJobHandlers({ mailer: () => recorder, origin: () => h.origin, now: () => now });
});
afterAll(async () => {
  await h?.close();
});

async function mpesa(policyId: string, amountMinor: number, answer: 'pin' | 'cancel' | 'insufficient' = 'pin'): Promise<Payment> {
  const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId, amountMinor, phone: '0712345678' });
  if (!r.ok) throw new Error(`initiation failed: ${r.error}`);
  const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, r.payment.checkoutRequestId!));
  await respondToPrompt(h.db, prompt.id, answer);
  const [done] = await h.db.select().from(payments).where(eq(payments.id, r.payment.id));
  return done;
}

async function notifyJob(p: Payment): Promise<Job> {
  const [job] = await h.db.select().from(jobs).where(eq(jobs.key, `${NOTIFY_PAYMENT_JOB}:${p.id}:${p.status}`));
  expect(job, `a ${NOTIFY_PAYMENT_JOB} job for ${p.status}`).toBeDefined();
  return job;
}

const outboxByKey = async (key: string) => (await h.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, key)))[0];
const reminderKeys = async () =>
  (await h.db.select({ k: outboxMessages.dedupeKey }).from(outboxMessages).where(like(outboxMessages.dedupeKey, 'reminder:%'))).map((r) => r.k).sort();
const runReminders = () => handlers[REMINDERS_JOB](h.db, {} as Job);

async function pdfText(bytes: Uint8Array) {
  const parser = new PDFParse({ data: bytes });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

// Reminders first: the payment tests below change which installments are open.
describe('reminders', () => {
  test('overdue installments get one reminder; a second run sends nothing new', async () => {
    now = new Date();
    sent = [];
    const motor1 = (await installmentsWithPaid(h.db, h.motor.id))[0];
    const result = await runReminders();
    expect(result.done).toBe(false);
    expect(!result.done && result.retryAt.getTime() - now.getTime()).toBe(3600_000);
    // Wanjiku's motor installment (20 days late) and Otieno's (3 days late); Afya is due in 5 days: not yet.
    const keys = await reminderKeys();
    expect(keys).toHaveLength(2);
    expect(keys).toContain(reminderKey(motor1.id, 'overdue'));
    expect(sent.map((m) => [m.to, m.subject]).sort()).toEqual([
      [DEMO_USERS.other.email, 'Overdue: KES 2,500.00 for MLP-MOT-240999'],
      [DEMO_USERS.holder.email, 'Overdue: KES 12,000.00 for MLP-MOT-240117'],
    ]);
    const wanjiku = sent.find((m) => m.to === DEMO_USERS.holder.email)!;
    expect(wanjiku.text).toContain('Hello Wanjiku,');
    // The reminder carries the installment's signed pay link (issue 16), which opens /pay/<policy>.
    expect(wanjiku.text).toContain(payLinkUrl(h.origin, motor1.id, motor1.dueDate));
    expect(wanjiku.attachments).toEqual([]);
    expect((await outboxByKey(reminderKey(motor1.id, 'overdue'))).status).toBe('sent');

    await runReminders();
    await runReminders();
    expect(sent).toHaveLength(2);
    expect(await reminderKeys()).toHaveLength(2);
  });

  test('due in 3 days: a "due soon" reminder with what is still to pay; once', async () => {
    const afya1 = (await installmentsWithPaid(h.db, h.afya.id))[0];
    await mpesa(h.afya.id, 100_000); // part of the 3,500 installment
    sent = [];
    now = new Date(Date.now() + 2 * DAY); // the installment is now 3 days away
    await runReminders();
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toMatch(/^Reminder: KES 2,500\.00 due on \d{1,2} \w{3} \d{4} for MLP-AFY-240342$/);
    expect(sent[0].text).toContain('installment 1 of your Afya Family Health Cover');
    expect(sent[0].text).toContain('The amount still to pay is KES 2,500.00.');
    expect(await outboxByKey(reminderKey(afya1.id, 'due_soon'))).toMatchObject({ status: 'sent', kind: 'reminder_due_soon' });
    await runReminders();
    expect(sent).toHaveLength(1);
  });

  test('a fully paid installment gets no overdue reminder', async () => {
    const afya1 = (await installmentsWithPaid(h.db, h.afya.id))[0];
    await mpesa(h.afya.id, 250_000); // the rest of it
    sent = [];
    now = new Date(Date.now() + 10 * DAY); // afya 1 would be overdue; nothing else is due within 3 days
    await runReminders();
    expect(sent).toEqual([]);
    expect(await outboxByKey(reminderKey(afya1.id, 'overdue'))).toBeUndefined();
  });

  test('an installment first seen when already late gets only the overdue reminder', async () => {
    sent = [];
    now = new Date(Date.now() + 28 * DAY); // Otieno's second installment was due on day 27
    await runReminders();
    expect(sent.map((m) => m.subject)).toEqual(['Overdue: KES 2,500.00 for MLP-MOT-240999']);
    const keys = await reminderKeys();
    expect(keys.filter((k) => k.endsWith(':due_soon'))).toHaveLength(1); // only Afya's from before
    now = new Date();
  });

  test('the recurring job is one row, run by the worker and put back an hour later', async () => {
    expect(await scheduleReminders(h.db)).toBe(true);
    expect(await scheduleReminders(h.db)).toBe(false); // every instance may call it at start-up
    await runDueJobs(h.db, handlers); // also sends the receipts of the payments above
    const [row] = await h.db.select().from(jobs).where(eq(jobs.key, REMINDERS_JOB_KEY));
    expect(row.kind).toBe(REMINDERS_JOB);
    expect(row.runAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(row.lockedUntil).toBeNull();
  });
});

describe('payment emails', () => {
  test('a completed payment sends one email with the receipt attached, however often the job runs', async () => {
    sent = [];
    const p = await mpesa(h.motor.id, 1_200_000);
    expect(p.status).toBe('completed');
    const job = await notifyJob(p);
    expect(job.payload).toEqual({ paymentId: p.id, status: 'completed' });

    // The worker runs it; then the same job runs again (a retry after a lost lease), twice at once.
    await runDueJobs(h.db, { [NOTIFY_PAYMENT_JOB]: handlers[NOTIFY_PAYMENT_JOB] });
    expect(await h.db.select().from(jobs).where(eq(jobs.id, job.id))).toEqual([]);
    const again = await Promise.all([handlers[NOTIFY_PAYMENT_JOB](h.db, job), handlers[NOTIFY_PAYMENT_JOB](h.db, job)]);
    expect(again.every((r) => r.done)).toBe(true);
    expect(sent).toHaveLength(1);

    const mail = sent[0];
    const [{ receiptNo }] = await h.db.select({ receiptNo: payments.receiptNo }).from(payments).where(eq(payments.id, p.id));
    expect(receiptNo).toMatch(new RegExp(`^${p.reference}-[0-9A-HJKMNP-TV-Z]{6}$`));
    expect(mail.to).toBe(DEMO_USERS.holder.email);
    expect(mail.subject).toBe('Payment received: KES 12,000.00 for MLP-MOT-240117');
    expect(mail.text).toContain(`Receipt number: ${receiptNo}`);
    expect(mail.text).toContain(`Paid by: M-Pesa, receipt ${p.mpesaReceipt}, from 0712 •••678`);
    expect(mail.text).toContain(`${h.origin}/receipts/verify/${receiptNo}`);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: `malipo-receipt-${receiptNo}.pdf`, contentType: 'application/pdf' });
    const pdf = await pdfText(mail.attachments[0].content);
    expect(pdf).toContain('Twelve thousand Kenya shillings only');
    expect(pdf).toContain(receiptNo);

    const row = await outboxByKey(paymentNoticeKey(p.id, 'completed'));
    expect(row).toMatchObject({ status: 'sent', kind: 'payment_received', userId: h.holder.userId, error: null });
    expect(row.sentAt).not.toBeNull();
    expect(row.attachments).toEqual([{ type: 'receipt', paymentId: p.id }]);
  });

  test('a failed payment sends the plain reason and a retry link, no attachment', async () => {
    sent = [];
    const p = await mpesa(h.afya.id, 100_000, 'insufficient');
    expect(p.status).toBe('failed');
    const r = await handlers[NOTIFY_PAYMENT_JOB](h.db, await notifyJob(p));
    expect(r).toMatchObject({ done: true, note: 'sent' });
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toBe('Payment did not go through: KES 1,000.00 for MLP-AFY-240342');
    expect(sent[0].text).toContain(`What happened: ${p.failureReason}`);
    expect(sent[0].text).toContain('No money was taken for this attempt.');
    expect(sent[0].text).toContain(`${h.origin}/pay/${h.afya.id}`);
    expect(sent[0].attachments).toEqual([]);
  });

  test('an SMTP hiccup leaves the message queued and the job retries; a refusal (5xx) gives up', async () => {
    const p = await mpesa(h.afya.id, 100_000, 'insufficient');
    const job = await notifyJob(p);
    let calls = 0;
    const flaky: Mailer = {
      send: async (m) => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('421 try again later'), { responseCode: 421 });
        sent.push(m);
      },
    };
    sent = [];
    const withFlaky = createNotificationJobHandlers({ mailer: () => flaky, origin: () => h.origin, now: () => now });
    const first = await withFlaky[NOTIFY_PAYMENT_JOB](h.db, job);
    expect(first.done).toBe(false);
    expect(!first.done && first.retryAt.getTime()).toBeGreaterThan(now.getTime());
    expect(await outboxByKey(paymentNoticeKey(p.id, 'failed'))).toMatchObject({ status: 'queued', error: '421 try again later' });
    expect(await withFlaky[NOTIFY_PAYMENT_JOB](h.db, { ...job, attempts: 2 })).toMatchObject({ done: true, note: 'sent' });
    expect(sent.map((m) => m.subject)).toEqual(['Payment did not go through: KES 1,000.00 for MLP-AFY-240342']);
    expect(await outboxByKey(paymentNoticeKey(p.id, 'failed'))).toMatchObject({ status: 'sent', error: null });

    const q = await mpesa(h.afya.id, 100_000, 'insufficient');
    const refusing: Mailer = { send: async () => { throw Object.assign(new Error('550 no such mailbox'), { responseCode: 550 }); } };
    const withRefusal = createNotificationJobHandlers({ mailer: () => refusing, origin: () => h.origin });
    expect(await withRefusal[NOTIFY_PAYMENT_JOB](h.db, await notifyJob(q))).toMatchObject({ done: true, note: 'failed' });
    expect(await outboxByKey(paymentNoticeKey(q.id, 'failed'))).toMatchObject({ status: 'failed', error: '550 no such mailbox' });
  });

  test('without SMTP the email stays in the outbox as "sandbox", newest first', async () => {
    const p = await mpesa(h.motor.id, 100_000);
    const sandboxHandlers = createNotificationJobHandlers({ mailer: () => null, origin: () => h.origin });
    expect(await sandboxHandlers[NOTIFY_PAYMENT_JOB](h.db, await notifyJob(p))).toMatchObject({ done: true, note: 'sandbox' });
    const [newest] = await listOutbox(h.db, { toEmail: DEMO_USERS.holder.email });
    expect(newest).toMatchObject({ dedupeKey: paymentNoticeKey(p.id, 'completed'), status: 'sandbox', sentAt: null });
    // A later SMTP configuration does not suddenly send old sandbox mail.
    expect(await handlers[NOTIFY_PAYMENT_JOB](h.db, await notifyJob(p))).toMatchObject({ done: true, note: 'already' });
  });

  test('a "timed out" notice is dropped when the payment completed after all; bad payloads are ignored', async () => {
    const p = await mpesa(h.motor.id, 100_000);
    expect(await buildPaymentNotice(h.db, p.id, 'expired', h.origin)).toEqual({ skip: `payment ${p.id} is completed now` });
    const bad = await handlers[NOTIFY_PAYMENT_JOB](h.db, { payload: { paymentId: p.id, status: 'weird' } } as unknown as Job);
    expect(bad.done).toBe(true);
    const ghost = await handlers[NOTIFY_PAYMENT_JOB](h.db, { payload: { paymentId: '3f0c9a4e-1111-4222-8333-944455556666', status: 'completed' } } as unknown as Job);
    expect(ghost).toMatchObject({ done: true });
    expect(await h.db.select().from(outboxMessages).where(and(eq(outboxMessages.kind, 'payment_expired')))).toEqual([]);
  });
});
