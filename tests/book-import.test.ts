// Loading the insurer's book: preview (nothing written), every kind of bad row, the import job,
// re-import idempotence, paid installments never rewritten, holders kept apart by client id,
// status stopping payments and reminders, and a crash half-way leaving no partial policy.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { auditLog, bookImports, installments, ledgerEntries, policies, users } from '@/db/schema';
import { rowsOf } from '@/db/client';
import { DEMO_USERS } from '@/db/seed';
import { confirmImport, getImport, runImportJob, uploadBook, type Preview } from '@/lib/book/imports';
import { findReminders } from '@/lib/notifications/reminders';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { policyBalance } from '@/lib/payments/core/ledger';
import { getPolicy, listPolicies } from '@/lib/policies';
import { respondToPrompt } from '@/lib/sandbox/daraja/phone';
import {  } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', 'book', name));
const bytes = (text: string) => new TextEncoder().encode(text);

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

async function preview(file: Uint8Array, name = 'book.csv') {
  const r = await uploadBook(h.db, staff, { name, bytes: file });
  if (!r.ok) throw new Error(r.error);
  const view = await getImport(h.db, staff, r.importId);
  return { id: r.importId, preview: view!.preview };
}

/** Preview, confirm, then run the job the way the worker does until it reports done. */
async function importFile(file: Uint8Array) {
  const p = await preview(file);
  const c = await confirmImport(h.db, staff, p.id);
  if (!c.ok) throw new Error(c.error);
  for (let attempt = 1; attempt < 50; attempt++) {
    const r = await runImportJob(h.db, { payload: { importId: p.id } });
    if (r.done) break;
  }
  await h.db.execute(sql`delete from jobs where kind = 'book.import'`);
  return { ...p, view: (await getImport(h.db, staff, p.id))! };
}

const count = async (table: string) => Number(rowsOf<{ n: unknown }>(await h.db.execute(sql.raw(`select count(*) as n from ${table}`)))[0].n);
/** Everything an import can touch, as text, in a stable order. */
async function exportBook() {
  const out: Record<string, unknown[]> = {};
  for (const t of ['users', 'products', 'agents', 'policies', 'installments', 'ledger_entries'])
    out[t] = rowsOf(await h.db.execute(sql.raw(`select * from ${t} order by id`))).map((r) => JSON.stringify(r));
  return out;
}
const viewerOfClient = async (clientId: string): Promise<Viewer> => {
  const [u] = await h.db.select().from(users).where(eq(users.clientId, clientId));
  return { userId: u.id, role: u.role };
};
const policyByNumber = async (number: string) => (await h.db.select().from(policies).where(eq(policies.number, number)))[0];

describe('preview', () => {
  test('counts what would be created and writes nothing but the preview', async () => {
    const before = await Promise.all(['users', 'policies', 'installments', 'ledger_entries', 'products'].map(count));
    const { preview: p } = await preview(fixture('good.csv'));
    expect(p.rows).toBe(7);
    expect(p.rejected).toEqual([]);
    expect(p.counts.holders).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(p.counts.policies).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(p.counts.installments).toEqual({ created: 7, updated: 0, unchanged: 0, withdrawn: 0 });
    expect(p.counts.productsCreated.sort()).toEqual(['Elimu Education Plan', 'Motor Private']);
    // Two client ids with one phone: flagged, and still two holders.
    expect(p.sharedPhones).toEqual([{ phone: '254722000002', clientIds: ['CL-1002', 'CL-1003'], existingAccounts: 0 }]);
    expect(await Promise.all(['users', 'policies', 'installments', 'ledger_entries', 'products'].map(count))).toEqual(before);
  });

  test('Excel export: semicolons, BOM and CRLF read the same', async () => {
    const text = fixture('good.csv').toString('utf8');
    const excel = '\ufeff' + text.split('\n').map((l) => l.replace(/"1,200\.50"/, '1200,50@').replace(/,/g, ';').replace('1200;50@', '"1,200.50"')).join('\r\n');
    const { preview: p } = await preview(bytes(excel), 'excel.csv');
    expect(p.rejected).toEqual([]);
    expect(p.counts.installments.created).toBe(7);
  });

  test('every kind of bad row is reported with its line, column and a plain reason', async () => {
    const { preview: p } = await preview(fixture('bad-rows.csv'));
    const byLine = Object.fromEntries(p.rejected.map((r) => [r.line, r.column]));
    expect(byLine).toEqual({
      3: 'phone',
      4: 'email',
      5: 'holder_name',
      6: 'policy_number',
      7: 'policy_status',
      8: 'due_date',
      9: 'end_date',
      10: 'amount',
      11: 'amount',
      12: 'commission_rate',
      13: 'commission_rate',
      14: null,
      15: 'policy_number', // held back: its sibling row 16 was rejected
      16: 'due_date',
      17: 'policy_number',
      18: 'phone',
      19: 'email',
      20: 'policy_number',
      21: 'product',
      22: 'policy_number',
      23: 'amount',
      24: 'product_class',
    });
    const reason = (line: number) => p.rejected.find((r) => r.line === line)!.reason;
    expect(reason(3)).toBe('Phone "0812" is not a Kenyan mobile number.');
    expect(reason(8)).toMatch(/"31\/02\/2026" is not a date/);
    expect(reason(10)).toMatch(/"12\.345" is not a KES amount/);
    expect(reason(14)).toMatch(/has 7 values but the header has 15 columns/);
    expect(reason(16)).toMatch(/already has an installment due 2026-01-15 on line 15/);
    expect(reason(19)).toMatch(/already used by client CL-2001/);
    expect(reason(22)).toMatch(/line 23 of policy BAD-0018 was rejected/);
    expect(p.counts.policies.created).toBe(1);
    expect(p.counts.installments.created).toBe(1);
  });

  test('a file that is not CSV UTF-8, or lacks a column, is refused whole', async () => {
    const latin1 = new Uint8Array([...bytes('client_id,holder_name\nCL-1,Ren'), 0xe9, 0x0a]);
    expect(await uploadBook(h.db, staff, { name: 'x.csv', bytes: latin1 })).toMatchObject({ ok: false, error: expect.stringMatching(/CSV UTF-8/) });
    expect(await uploadBook(h.db, staff, { name: 'x.csv', bytes: bytes('client_id,holder_name\nCL-1,A\n') })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no column for: phone, email, policy_number/),
    });
  });

  test('a policyholder cannot preview or confirm', async () => {
    expect(await uploadBook(h.db, h.holder, { name: 'x.csv', bytes: fixture('good.csv') })).toMatchObject({ ok: false, code: 'forbidden' });
    const { id } = await preview(fixture('good.csv'));
    expect(await confirmImport(h.db, h.holder, id)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await getImport(h.db, h.holder, id)).toBeNull();
  });
});

describe('import', () => {
  test('imports holders, policies, schedules and balances; audit has the file hash and counts', async () => {
    const { id, view } = await importFile(fixture('good.csv'));
    expect(view.status).toBe('done');
    expect(view.result!.policies.created).toBe(3);
    const life = await policyByNumber('LIF/2026/0001');
    expect(life).toMatchObject({ product: 'Elimu Education Plan', status: 'active', startDate: '2026-01-01', endDate: '2030-12-31', commissionBps: 1000, premiumMinor: 360150 });
    expect(await policyBalance(h.db, life.id)).toBe(360150);
    const sched = await h.db.select().from(installments).where(eq(installments.policyId, life.id)).orderBy(asc(installments.seq));
    expect(sched.map((i) => [i.seq, i.dueDate, i.amountMinor])).toEqual([
      [1, '2026-01-15', 120050],
      [2, '2026-02-15', 120050],
      [3, '2026-03-15', 120050],
    ]);
    const [holder] = await h.db.select().from(users).where(eq(users.clientId, 'CL-1001'));
    expect(holder).toMatchObject({ name: 'Achieng Otieno', phone: '254712000001', email: 'achieng@example.com', nationalId: '12345678', passwordHash: null });
    const [audit] = await h.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    const [imp] = await h.db.select().from(bookImports).where(eq(bookImports.id, id));
    expect(audit.action === 'book.import' || audit.action === 'book.import.confirm').toBe(true);
    const done = (await h.db.select().from(auditLog).where(eq(auditLog.action, 'book.import'))).find((a) => a.targetId === id)!;
    expect(done.detail).toMatchObject({ fileSha256: imp.fileSha256, policies: { created: 3, updated: 0, unchanged: 0 }, installments: { created: 7 } });
  });

  test('two client ids sharing a phone are two holders who cannot see each other\'s policies', async () => {
    const mary = await viewerOfClient('CL-1002');
    const joseph = await viewerOfClient('CL-1003');
    expect(mary.userId).not.toBe(joseph.userId);
    expect((await listPolicies(h.db, mary)).map((p) => p.number)).toEqual(['GEN-2026-0002']);
    expect((await listPolicies(h.db, joseph)).map((p) => p.number)).toEqual(['GEN-2026-0003']);
    expect(await getPolicy(h.db, mary, (await policyByNumber('GEN-2026-0003')).id)).toBeNull();
  });

  test('the same file again changes nothing', async () => {
    const before = await exportBook();
    const { view } = await importFile(fixture('good.csv'));
    expect(view.preview.counts.holders).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(view.preview.counts.policies).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(view.preview.counts.installments).toEqual({ created: 0, updated: 0, unchanged: 7, withdrawn: 0 });
    expect(view.result!.installments).toEqual({ created: 0, updated: 0, unchanged: 7, withdrawn: 0 });
    expect(await exportBook()).toEqual(before);
  });

  test('a cancelled policy refuses payment and gets no reminder; an active one does', async () => {
    const joseph = await viewerOfClient('CL-1003');
    const cancelled = await policyByNumber('GEN-2026-0003');
    const r = await initiateMpesaPayment(h.db, h.gateway, joseph, { policyId: cancelled.id, amountMinor: 300000, phone: '0722000002' });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/not active/) });
    const reminders = await findReminders(h.db, new Date('2026-01-18T09:00:00Z'), 10_000);
    const numbers = new Set(reminders.map((c) => c.policyNumber));
    expect(numbers.has('GEN-2026-0002')).toBe(true);
    expect(numbers.has('GEN-2026-0003')).toBe(false);
  });

  test('a changed file updates by client id and policy number and never rewrites a paid installment', async () => {
    // The holder pays part of the first installment through the real M-Pesa flow.
    const achieng = await viewerOfClient('CL-1001');
    const life = await policyByNumber('LIF/2026/0001');
    const pay = await initiateMpesaPayment(h.db, h.gateway, achieng, { policyId: life.id, amountMinor: 50000, phone: '0712000001' });
    if (!pay.ok) throw new Error(pay.error);
    const [prompt] = await h.db.select().from(sandboxStkPrompts).where(eq(sandboxStkPrompts.checkoutRequestId, pay.payment.checkoutRequestId!));
    await respondToPrompt(h.db, prompt.id, 'pin');
    expect(await policyBalance(h.db, life.id)).toBe(360150 - 50000);

    const changed = fixture('good.csv')
      .toString('utf8')
      .replace('Achieng Otieno', 'Achieng A. Otieno')
      .replaceAll('Achieng Otieno', 'Achieng A. Otieno')
      // part-paid installment: the file tries to change it
      .replace(/2026-01-15,"1,200\.50"/, '2026-01-15,"1,500.00"')
      // unpaid installment: a new amount
      .replace(/2026-02-15,"1,200\.50"/, '2026-02-15,"1,300.00"')
      // one installment replaced by another date, and one added
      .replace('2026-03-15,1200.5', '2026-04-15,1200.5')
      .replaceAll('cancelled', 'active')
      .replace(/\n$/, '\nCL-1001,Achieng A. Otieno,0712000001,achieng@example.com,12345678,LIF/2026/0001,Elimu Education Plan,life,active,2026-01-01,2030-12-31,2026-01-01,800,AG-017,10\n');
    const { view } = await importFile(bytes(changed));
    expect(view.result!.holders).toEqual({ created: 0, updated: 1, unchanged: 2 });
    expect(view.result!.installments).toMatchObject({ created: 2, updated: 1, withdrawn: 1 });
    expect(view.result!.kept).toEqual([expect.objectContaining({ policyNumber: 'LIF/2026/0001', dueDate: '2026-01-15', line: 2 })]);
    const sched = await h.db.select().from(installments).where(eq(installments.policyId, life.id)).orderBy(asc(installments.seq));
    expect(sched.map((i) => [i.seq, i.dueDate, i.amountMinor])).toEqual([
      [1, '2026-01-01', 80000],
      [2, '2026-01-15', 120050], // part-paid: untouched
      [3, '2026-02-15', 130000],
      [4, '2026-03-15', 0], // withdrawn, its charge taken back in the ledger
      [5, '2026-04-15', 120050],
    ]);
    // Balance = the new schedule minus what was paid, straight from the ledger.
    expect(await policyBalance(h.db, life.id)).toBe(80000 + 120050 + 130000 + 120050 - 50000);
    const paidLines = await h.db.select().from(ledgerEntries).where(eq(ledgerEntries.paymentId, pay.payment.id));
    expect(paidLines.filter((l) => l.account === 'holder').map((l) => l.amountMinor)).toEqual([-50000]);
    expect((await policyByNumber('GEN-2026-0003')).status).toBe('active');
    expect((await h.db.select().from(users).where(eq(users.clientId, 'CL-1001')))[0].name).toBe('Achieng A. Otieno');
  });

  test('a policy cannot be moved to another client id, nor an email taken from another account', async () => {
    const text =
      fixture('good.csv').toString('utf8').split('\n')[0] +
      '\nCL-9999,Someone Else,0733000001,else@example.com,,GEN-2026-0002,Motor Private,,active,2026-01-01,2026-12-31,2026-01-15,5000,,' +
      `\nCL-9998,Not Wanjiku,0733000002,${DEMO_USERS.holder.email},,NEW-0001,Motor Private,,active,2026-01-01,2026-12-31,2026-01-15,5000,,\n`;
    const { preview: p } = await preview(bytes(text));
    expect(p.rejected).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringMatching(/^Policy GEN-2026-0002 belongs to another holder/) }),
      expect.objectContaining({ line: 3, reason: expect.stringMatching(/already belongs to another account/) }),
    ]);
    expect(p.counts.policies.created + p.counts.policies.updated).toBe(0);
  });
});

describe('crash half-way', () => {
  test('a failing batch leaves no partial policy, and the job resumes where it stopped', async () => {
    const header = fixture('good.csv').toString('utf8').split('\n')[0];
    const lines = [header];
    for (let i = 0; i < 1100; i++) {
      const n = String(i).padStart(4, '0');
      for (const due of ['2026-05-01', '2026-06-01'])
        lines.push(`CR-${n},Holder ${n},07${String(30000000 + i)},crash${n}@example.com,,CRASH-${n},Motor Private,,active,2026-01-01,2026-12-31,${due},1000,,`);
    }
    // Policy 0700 is in the second batch of 500; the database refuses its second installment.
    await h.db.execute(sql.raw(`
      create function crash_on_0700() returns trigger language plpgsql as $$
      begin
        if new.due_date = '2026-06-01' and exists (select 1 from policies p where p.id = new.policy_id and p.number = 'CRASH-0700') then
          raise exception 'simulated crash';
        end if;
        return new;
      end $$`));
    await h.db.execute(sql.raw(`create trigger crash_on_0700 before insert on installments for each row execute function crash_on_0700();`));
    const p = await preview(bytes(lines.join('\n') + '\n'));
    expect(p.preview.counts.policies.created).toBe(1100);
    expect((await confirmImport(h.db, staff, p.id)).ok).toBe(true);
    await expect(runImportJob(h.db, { payload: { importId: p.id } })).rejects.toThrow();
    const crashPolicies = async () => h.db.select({ id: policies.id }).from(policies).where(sql`${policies.number} like 'CRASH-%'`);
    const first = await crashPolicies();
    expect(first.length).toBe(500); // batch one committed whole; batch two rolled back whole
    const perPolicy = rowsOf<{ n: unknown }>(
      await h.db.execute(sql`select count(i.id) as n from policies p left join installments i on i.policy_id = p.id where p.number like 'CRASH-%' group by p.id`),
    );
    expect(perPolicy.every((r) => Number(r.n) === 2)).toBe(true);
    expect(await policyByNumber('CRASH-0700')).toBeUndefined();
    const [mid] = await h.db.select().from(bookImports).where(eq(bookImports.id, p.id));
    expect(mid).toMatchObject({ status: 'running', batchesDone: 1, totalBatches: 3, failures: 1, lastError: expect.stringMatching(/simulated crash/) });

    // The fault goes away (a restart, a fixed database): the job carries on from batch two.
    await h.db.execute(sql.raw('drop trigger crash_on_0700 on installments'));
    let r = await runImportJob(h.db, { payload: { importId: p.id } });
    while (!r.done) r = await runImportJob(h.db, { payload: { importId: p.id } });
    const all = await crashPolicies();
    expect(all.length).toBe(1100);
    const [end] = await h.db.select().from(bookImports).where(eq(bookImports.id, p.id));
    expect(end).toMatchObject({ status: 'done', batchesDone: 3, failures: 0, lastError: null });
    expect((end.result as Preview['counts']).policies.created).toBe(1100);
    const n = await h.db.select({ n: sql<number>`count(*)::int` }).from(installments).where(inArray(installments.policyId, all.map((x) => x.id)));
    expect(n[0].n).toBe(2200);
  }, 120_000);
});

describe('products and invites', () => {
  test('staff edit a product; a holder cannot', async () => {
    const { listProducts, updateProduct } = await import('@/lib/book/products');
    const elimu = (await listProducts(h.db, staff)).find((p) => p.name === 'Elimu Education Plan')!;
    expect(elimu).toMatchObject({ class: 'life', graceDays: 30, policies: 1 });
    expect(await updateProduct(h.db, h.holder, { productId: elimu.id, class: 'life', graceDays: '10' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await updateProduct(h.db, staff, { productId: elimu.id, class: 'life', graceDays: '400' })).toMatchObject({ ok: false, error: /0 to 365/ });
    expect(await updateProduct(h.db, staff, { productId: elimu.id, class: 'life', graceDays: '45' })).toMatchObject({ ok: true });
    expect(await updateProduct(h.db, staff, { productId: elimu.id, class: 'general', graceDays: '45' })).toMatchObject({ ok: true });
    expect((await listProducts(h.db, staff)).find((p) => p.id === elimu.id)).toMatchObject({ class: 'general', graceDays: null });
  });

  test('an invite link sets the password once', async () => {
    const { sendInvite } = await import('@/lib/book/invite');
    const { usePasswordLink } = await import('@/lib/auth/password-links');
    const { outboxMessages } = await import('@/db/schema');
    const holder = await viewerOfClient('CL-1002');
    expect(await sendInvite(h.db, h.holder, holder.userId, 'http://localhost:3000')).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await sendInvite(h.db, staff, holder.userId, 'http://localhost:3000')).toMatchObject({ ok: true });
    const [msg] = await h.db.select().from(outboxMessages).where(eq(outboxMessages.toEmail, 'mary@example.com'));
    const token = /\/set-password\/([A-Za-z0-9_-]+)/.exec(msg.textBody)![1];
    expect(await usePasswordLink(h.db, token, { password: 'short', confirm: 'short' })).toMatchObject({ ok: false });
    expect(await usePasswordLink(h.db, token, { password: 'mary-secret-123', confirm: 'mary-secret-123' })).toEqual({ ok: true, email: 'mary@example.com', role: 'policyholder' });
    expect(await usePasswordLink(h.db, token, { password: 'other-secret-123', confirm: 'other-secret-123' })).toMatchObject({ ok: false, error: /already used/ });
    const { verifyPassword } = await import('@/lib/auth/password');
    const [u] = await h.db.select().from(users).where(eq(users.id, holder.userId));
    expect(await verifyPassword('mary-secret-123', u.passwordHash!)).toBe(true);
  });
});

describe('an import that keeps failing', () => {
  test('is marked failed after five tries in a row, audited, and leaves nothing of the failing batch', async () => {
    const header = fixture('good.csv').toString('utf8').split('\n')[0];
    const text = `${header}\nFL-1,Fails Always,0733000101,fails@example.com,,FAIL-0001,Motor Private,,active,2026-01-01,2026-12-31,2026-05-01,1000,,\n`;
    await h.db.execute(sql.raw(`
      create function fail_always() returns trigger language plpgsql as $$
      begin
        if new.number = 'FAIL-0001' then raise exception 'disk on fire'; end if;
        return new;
      end $$`));
    await h.db.execute(sql.raw('create trigger fail_always before insert on policies for each row execute function fail_always()'));
    try {
      const p = await preview(bytes(text));
      expect((await confirmImport(h.db, staff, p.id)).ok).toBe(true);
      for (let i = 0; i < 4; i++) await expect(runImportJob(h.db, { payload: { importId: p.id } })).rejects.toThrow();
      expect(await runImportJob(h.db, { payload: { importId: p.id } })).toMatchObject({ done: true });
      const [row] = await h.db.select().from(bookImports).where(eq(bookImports.id, p.id));
      expect(row).toMatchObject({ status: 'failed', batchesDone: 0, failures: 5, lastError: expect.stringMatching(/disk on fire/) });
      expect(await h.db.select().from(users).where(eq(users.clientId, 'FL-1'))).toEqual([]);
      const audit = (await h.db.select().from(auditLog).where(eq(auditLog.action, 'book.import.fail'))).find((a) => a.targetId === p.id);
      expect(audit?.detail).toMatchObject({ fileSha256: row.fileSha256, error: expect.stringMatching(/disk on fire/) });
      // The slot is free again: another file can be confirmed.
      const next = await preview(fixture('good.csv'));
      expect((await confirmImport(h.db, staff, next.id)).ok).toBe(true);
    } finally {
      await h.db.execute(sql.raw('drop trigger fail_always on policies'));
    }
  });
});
