// The two safety nets: dead letters (a job that keeps failing stops, is kept with its last error,
// and staff can run it again; one poison job in a claimed batch does not hold up the others) and
// the silence alarm (prompts go out, callbacks do not come back), driven by the Daraja sandbox.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { alarms, auditLog, jobs, outboxMessages, payments, users, type Payment } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { hashPassword } from '@/lib/auth/password';
import { checkCallbackSilence, currentAlarm } from '@/lib/alarms/callback-silence';
import { claimJobs, enqueueJob, failureBackoffSeconds, maxJobFailures } from '@/lib/jobs/queue';
import { runDueJobs, type JobHandler } from '@/lib/jobs/worker';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { sweepPayment } from '@/lib/payments/core/sweep';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import { deadJobsForStaff, retryDeadJob } from '@/lib/staff/dead-jobs';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let staff: Viewer;
beforeAll(async () => {
  h = await startHarness();
  const [s] = await h.db.select().from(users).where(eq(users.email, 'staff@malipo.test'));
  staff = { userId: s.id, role: s.role };
});
afterAll(async () => {
  await h?.close();
});

const jobRow = async (id: number) => (await h.db.select().from(jobs).where(eq(jobs.id, id)))[0];
/** Makes every queued job of these kinds due now (instead of waiting out the backoff). */
const makeDue = (kinds: string[]) => h.db.update(jobs).set({ runAt: new Date(Date.now() - 1000) }).where(inArray(jobs.kind, kinds));

describe('dead letters', () => {
  test('a job that always throws stops after N failures, keeps its last error, and staff can retry it', async () => {
    const N = maxJobFailures();
    expect(N).toBe(20);
    // About a day of retries before giving up.
    const waited = Array.from({ length: N - 1 }, (_, i) => failureBackoffSeconds(i + 1)).reduce((a, b) => a + b, 0);
    expect(waited / 3600).toBeGreaterThan(20);
    expect(waited / 3600).toBeLessThan(26);

    let calls = 0;
    const handlers: Record<string, JobHandler> = {
      'test.always-throws': async () => {
        calls++;
        throw new Error(`gateway said no (call ${calls})`);
      },
    };
    await enqueueJob(h.db, { kind: 'test.always-throws', key: 'test.always-throws:1' });
    const [{ id }] = await h.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.key, 'test.always-throws:1'));
    for (let i = 0; i < N + 5; i++) {
      await makeDue(['test.always-throws']);
      await runDueJobs(h.db, handlers, 10, ['test.always-throws']);
    }
    expect(calls).toBe(N);
    const dead = await jobRow(id);
    expect(dead.deadAt).not.toBeNull();
    expect(dead.failures).toBe(N);
    expect(dead.lastError).toMatch(/gateway said no \(call 20\)/);
    expect(await claimJobs(h.db, 10, 60, ['test.always-throws'])).toEqual([]);

    const listed = await deadJobsForStaff(h.db, staff);
    expect(listed.total).toBeGreaterThanOrEqual(1);
    expect(listed.jobs.find((j) => j.id === id)).toMatchObject({ kind: 'test.always-throws', failures: N, lastError: 'Error: gateway said no (call 20)' });

    // A holder cannot; staff can, once.
    expect(await retryDeadJob(h.db, h.holder, { jobId: id })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await retryDeadJob(h.db, staff, { jobId: id })).toMatchObject({ ok: true });
    expect(await retryDeadJob(h.db, staff, { jobId: id })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await jobRow(id)).toMatchObject({ deadAt: null, failures: 0 });
    const [audit] = await h.db.select().from(auditLog).where(and(eq(auditLog.action, 'job.retry'), eq(auditLog.targetId, String(id))));
    expect(audit.actorId).toBe(staff.userId);
    // It runs again (and, still broken, counts from zero).
    await runDueJobs(h.db, handlers, 10, ['test.always-throws']);
    expect(calls).toBe(N + 1);
    expect(await jobRow(id)).toMatchObject({ failures: 1, deadAt: null });
  });

  test('a job that fails and then succeeds starts its count again (a recurring job never dies of old errors)', async () => {
    let fail = true;
    const handlers: Record<string, JobHandler> = {
      'test.flaky-recurring': async () => {
        if (fail) throw new Error('down');
        return { done: false, retryAt: new Date(Date.now() - 1000) };
      },
    };
    await enqueueJob(h.db, { kind: 'test.flaky-recurring', key: 'test.flaky-recurring' });
    const [{ id }] = await h.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.key, 'test.flaky-recurring'));
    for (let i = 0; i < 5; i++) {
      await makeDue(['test.flaky-recurring']);
      await runDueJobs(h.db, handlers, 10, ['test.flaky-recurring']);
    }
    expect((await jobRow(id)).failures).toBe(5);
    fail = false;
    await makeDue(['test.flaky-recurring']);
    await runDueJobs(h.db, handlers, 10, ['test.flaky-recurring']);
    expect(await jobRow(id)).toMatchObject({ failures: 0, deadAt: null });
  });

  test('one poison job in a claimed batch: the others are applied, the poison one alone is retried', async () => {
    const handlers: Record<string, JobHandler> = {
      'test.apply': async (db, job) => {
        const n = Number((job.payload as { n: number }).n);
        // Each item writes in its own transaction; the poison one rolls back only itself.
        await db.transaction(async (tx) => {
          await tx.insert(alarms).values({ name: `test-item-${n}`, checkedAt: new Date() });
          if (n === 3) throw new Error('poison item');
        });
        return { done: true };
      },
    };
    for (let n = 1; n <= 5; n++) await enqueueJob(h.db, { kind: 'test.apply', key: `test.apply:${n}`, payload: { n } });
    expect(await runDueJobs(h.db, handlers, 10, ['test.apply'])).toBe(5);
    const written = await h.db.select({ name: alarms.name }).from(alarms).where(sql`${alarms.name} like 'test-item-%'`);
    expect(written.map((r) => r.name).sort()).toEqual(['test-item-1', 'test-item-2', 'test-item-4', 'test-item-5']);
    const left = await h.db.select().from(jobs).where(eq(jobs.kind, 'test.apply'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ key: 'test.apply:3', failures: 1, deadAt: null });
    expect(left[0].runAt.getTime()).toBeGreaterThan(Date.now());
  });
});

describe('silence alarm', () => {
  const deps = { mailer: () => null, origin: () => h.origin };
  let admin: Viewer;
  beforeAll(async () => {
    const [a] = await h.db
      .insert(users)
      .values({ email: 'ops-admin@malipo.test', name: 'Ops Admin', role: 'admin', passwordHash: await hashPassword('x'.repeat(16)) })
      .returning();
    admin = { userId: a.id, role: a.role };
  });

  async function prompt(policyId: string, amountMinor = 100_000): Promise<Payment> {
    const r = await initiateMpesaPayment(h.db, h.gateway, h.holder, { policyId, amountMinor, phone: '0712345678' });
    if (!r.ok) throw new Error(r.error);
    return r.payment;
  }
  /** The phone paid but the callback never reached us (what a broken callback URL looks like). */
  async function payWithoutCallback(p: Payment) {
    await h.db
      .update(sandboxStkPrompts)
      .set({ resultCode: '0', resultDesc: 'The service request is processed successfully.', receipt: `UKS${p.id.slice(0, 7).toUpperCase()}`, answeredAt: new Date() })
      .where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
    expect(await sweepPayment(h.db, h.checks, p.id)).toMatchObject({ note: 'completed by STK Query' });
  }
  async function payWithCallback(p: Payment) {
    const [row] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, p.checkoutRequestId!));
    await respondToPrompt(h.db, row.id, 'pin');
    const [done] = await h.db.select().from(payments).where(eq(payments.id, p.id));
    expect(done.status).toBe('completed');
  }
  /** Moves a payment's prompt (and anything it caused) minutes into the past. */
  const ago = (p: Payment, minutes: number) =>
    h.db.update(payments).set({ createdAt: sql`now() - make_interval(mins => ${minutes})`, completedAt: sql`now() - make_interval(mins => ${minutes - 1})` }).where(eq(payments.id, p.id));
  const alarmEmails = () => h.db.select().from(outboxMessages).where(eq(outboxMessages.kind, 'alarm_callback_silence'));

  test('silent callbacks raise it once (one email per admin), and it clears itself when callbacks return', async () => {
    expect((await checkCallbackSilence(h.db, deps)).raised).toBe(false);
    // Three prompts in the last 15 minutes, all paid, none called back: confirmed only by query.
    const policiesInTurn = [h.motor.id, h.afya.id, h.motor.id];
    for (const [i, policyId] of policiesInTurn.entries()) {
      const p = await prompt(policyId);
      await payWithoutCallback(p);
      await ago(p, 10 - i);
    }
    const raised = await checkCallbackSilence(h.db, deps);
    expect(raised).toMatchObject({ raised: true, changed: true });
    expect(raised.figures).toMatchObject({ promptsSent: 3, promptsWithCallback: 0 });
    expect(raised.figures.reasons[0]).toMatch(/3 M-Pesa prompts sent in the last 15 minutes and no callback/);
    const shown = await currentAlarm(h.db);
    expect(shown?.raisedAt).toBeInstanceOf(Date);
    const emails = await alarmEmails();
    const admins = (await h.db.select({ email: users.email }).from(users).where(eq(users.role, 'admin'))).map((u) => u.email);
    expect(admins).toContain('ops-admin@malipo.test');
    // One email for each admin, none for anyone else.
    expect(emails.map((e) => e.toEmail).sort()).toEqual(admins.sort());
    expect(emails[0].textBody).toMatch(/no callback/);

    // Still silent a minute later: still raised, no second email.
    expect(await checkCallbackSilence(h.db, deps, new Date(Date.now() + 60_000))).toMatchObject({ raised: true, changed: false });
    expect(await alarmEmails()).toHaveLength(admins.length);

    // Callbacks come back: the next prompt is answered on the phone and its callback arrives.
    const back = await prompt(h.afya.id);
    await payWithCallback(back);
    await ago(back, 3);
    const cleared = await checkCallbackSilence(h.db, deps);
    expect(cleared).toMatchObject({ raised: false, changed: true });
    expect(cleared.figures.promptsWithCallback).toBe(1);
    expect(await currentAlarm(h.db)).toBeNull();
    expect(admin.role).toBe('admin');
  });

  test('most payments of the last hour confirmed by query raises it too, even with a callback now and then', async () => {
    // A callback 40 minutes ago, then five payments settled only by query, the latest just now.
    const early = await prompt(h.motor.id);
    await payWithCallback(early);
    await ago(early, 40);
    for (let i = 0; i < 5; i++) await payWithoutCallback(await prompt(i % 2 ? h.afya.id : h.motor.id));
    const raised = await checkCallbackSilence(h.db, deps);
    expect(raised.raised).toBe(true);
    expect(raised.figures.reasons.join(' ')).toMatch(/of \d+ M-Pesa payments in the last hour were confirmed by query/);
    // Raised again: one more email per admin.
    const admins = await h.db.select().from(users).where(eq(users.role, 'admin'));
    expect(await alarmEmails()).toHaveLength(2 * admins.length);

    const fixedNow = await prompt(h.afya.id);
    await payWithCallback(fixedNow);
    expect((await checkCallbackSilence(h.db, deps)).raised).toBe(false);
    expect(await currentAlarm(h.db)).toBeNull();
  });
});
