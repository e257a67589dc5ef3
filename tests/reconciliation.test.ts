// Daily cash reconciliation (issue 19), end to end on a real database: an M-Pesa statement with
// every kind of line and a Paystack settlement read from the emulator over HTTP produce exactly the
// expected breaks and fee lines; importing again changes nothing; resolving (by hand, by an
// allocation under four eyes, by a four-eyes write-off) lets finance close the day; a closed day
// refuses changes (data layer and trigger) and later lines become adjustments on an open day.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { reconBreaks, reconDays, reconLines } from '@/db/reconciliation-schema';
import { ledgerEntries, payments, users, type Payment } from '@/db/schema';
import { sandboxPaystackTransactions } from '@/db/sandbox-schema';
import { DEMO_USERS } from '@/db/seed';
import { approveMovement, raiseMovement } from '@/lib/movements/movements';
import { syncAllocations } from '@/lib/reconciliation/allocations';
import { addDays, nairobiDayStart, nairobiWallClock, todayInNairobi } from '@/lib/nairobi-time';
import { paybillReceipts } from '@/db/paybill-schema';
import { approvePaybillAllocation, raisePaybillAllocation } from '@/lib/paybill/allocate';
import { policyBalance } from '@/lib/payments/core/ledger';
import { settle } from '@/lib/payments/core/verdict';
import { stkAccountReference } from '@/lib/payments/mpesa/adapter';
import { parseMpesaStatement, STATEMENT_HEADER } from '@/lib/reconciliation/mpesa-statement';
import { fetchPaystackSettlements } from '@/lib/reconciliation/paystack-settlements';
import { dayFigures } from '@/lib/reconciliation/report';
import { outboxMessages } from '@/db/schema';
import { sandboxMpesaStatement, injectBreak } from '@/lib/sandbox/reconciliation';
import { nextNairobiHour, queueMorningReport } from '@/lib/reconciliation/jobs';
import { REPORT_CSV_HEADER, reportCsvRow, reportDays } from '@/lib/reconciliation/report';
import { allocateBreak, closeDay, decideWriteOff, requestWriteOff, resolveBreak } from '@/lib/reconciliation/resolve';
import { uploadMpesaStatement } from '@/lib/reconciliation/upload';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let finance: Viewer;
let finance2: Viewer;
let support: Viewer;
const today = todayInNairobi();
const yesterday = addDays(today, -1);

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

let n = 0;
/** A payment of ours, opened as the app does (pending), then answered through the payments core. */
async function payment(method: 'mpesa' | 'card', amountMinor: number, opts: { receipt?: string; paystackReference?: string; paid?: boolean; policyId?: string } = {}): Promise<Payment> {
  n++;
  const [p] = await h.db
    .insert(payments)
    .values({
      reference: `MLP-RECON-${n}`,
      userId: h.holder.userId,
      policyId: opts.policyId ?? h.motor.id,
      method,
      amountMinor,
      phone: method === 'mpesa' ? '254712345678' : null,
      checkoutRequestId: method === 'mpesa' ? `ws_CO_recon_${n}` : null,
      merchantRequestId: method === 'mpesa' ? `mr_recon_${n}` : null,
      paystackReference: opts.paystackReference ?? null,
    })
    .returning();
  if (opts.paid === false) {
    await settle(h.db, p.id, { kind: 'not_paid', status: 'expired', code: 'timeout', message: 'No answer from the phone', via: 'test' });
  } else {
    expect(await settle(h.db, p.id, { kind: 'paid', amountMinor, currency: 'KES', receipt: opts.receipt ?? null, via: 'test' })).toBe('completed');
  }
  return (await h.db.select().from(payments).where(eq(payments.id, p.id)))[0];
}

const portal = (at: Date) => nairobiWallClock(at).toISOString().slice(0, 19).replace('T', ' ');
const kes = (minor: number) => (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
function statement(rows: { receipt: string; at: Date; details: string; status?: string; paidIn?: number; withdrawn?: number; account?: string }[]) {
  const lines = rows.map((r) => [r.receipt, portal(r.at), portal(r.at), r.details, r.status ?? 'Completed', r.paidIn ? kes(r.paidIn) : '', r.withdrawn ? `-${kes(r.withdrawn)}` : '', '', '', '', '2547XXXXXX - PAYER', '', r.account ?? ''].map((c) => (c.includes(',') ? `"${c}"` : c)).join(','));
  return ['Account Name,MALIPO INSURANCE', 'Short Code,174379', '', STATEMENT_HEADER.join(','), ...lines].join('\r\n');
}
const breaksOf = async (day: string, channel: 'mpesa' | 'card') => h.db.select().from(reconBreaks).where(and(eq(reconBreaks.day, day), eq(reconBreaks.channel, channel)));

describe('parser', () => {
  test('finds the header below the portal preamble, reads amounts and Nairobi times, tells charges from money in', () => {
    const at = new Date('2026-11-25T11:05:33Z'); // 14:05:33 in Nairobi
    const parsed = parseMpesaStatement(statement([
      { receipt: 'TKP1AAAAAA', at, details: 'Pay Bill from 254712345678 - JANE Acc. POL1', paidIn: 123456, account: 'POL1' },
      { receipt: 'TKP1AAAAAA', at, details: 'Pay Bill Charge', withdrawn: 1500 },
      { receipt: 'TKP1BBBBBB', at, details: 'Pay Bill from 2547', status: 'Failed', paidIn: 100 },
    ]));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.lines.map((l) => [l.kind, l.paidInMinor, l.withdrawnMinor])).toEqual([['money_in', 123456, 0], ['charge', 0, 1500], ['other', 100, 0]]);
    expect(parsed.lines[0].occurredAt.toISOString()).toBe('2026-11-25T11:05:33.000Z');
    expect(parsed.lines[0].account).toBe('POL1');
    expect(new Set(parsed.lines.map((l) => l.dedupeKey)).size).toBe(3);
    expect(parseMpesaStatement('a,b\n1,2').ok).toBe(false);
  });
});

describe('a day with every kind of line', () => {
  let matched: Payment, noMoney: Payment, differs: Payment, lateStk: Payment, card1: Payment, card2: Payment;
  let mpesaCsv: string;
  let motorBefore: number;

  test('M-Pesa statement: matched, fee, uncredited, credited without money, amount differs, late STK completion', async () => {
    matched = await payment('mpesa', 100_000, { receipt: 'TKR1MATCH1' });
    noMoney = await payment('mpesa', 80_000, { receipt: 'TKR1NOMONY' });
    differs = await payment('mpesa', 150_000, { receipt: 'TKR1DIFFER' });
    lateStk = await payment('mpesa', 60_000, { paid: false, policyId: h.afya.id });
    expect(lateStk.status).toBe('expired');
    motorBefore = await policyBalance(h.db, h.motor.id);
    const at = new Date(Math.min(Date.now(), lateStk.createdAt.getTime() + 60_000));
    mpesaCsv = statement([
      { receipt: 'TKR1MATCH1', at, details: 'Pay Bill Online from 254712345678', paidIn: 100_000, account: stkAccountReference(h.motor.number) },
      { receipt: 'TKR1MATCH1', at, details: 'Pay Bill Charge', withdrawn: 1_000 },
      { receipt: 'TKR1STRANG', at, details: 'Pay Bill from 254700000001 - WALK IN Acc. WRONG1', paidIn: 250_000, account: 'WRONG1' },
      { receipt: 'TKR1DIFFER', at, details: 'Pay Bill Online', paidIn: 140_000 },
      { receipt: 'TKR1LATEST', at, details: 'Pay Bill Online', paidIn: 60_000, account: stkAccountReference(h.afya.number) },
      { receipt: 'TKR1FAILED', at, details: 'Pay Bill Online', status: 'Failed', paidIn: 5_000 },
    ]);
    const r = await uploadMpesaStatement(h.db, finance, { name: 'statement.csv', text: mpesaCsv });
    expect(r.ok).toBe(true);

    const breaks = await breaksOf(today, 'mpesa');
    expect(breaks.map((b) => b.kind).sort()).toEqual(['amount_differs', 'credited_no_money', 'uncredited']);
    const by = (k: string) => breaks.find((b) => b.kind === k)!;
    expect(by('uncredited')).toMatchObject({ statementMinor: 250_000, creditedMinor: 0, status: 'open' });
    expect(by('credited_no_money')).toMatchObject({ paymentId: noMoney.id, creditedMinor: 80_000, statementMinor: 0 });
    expect(by('amount_differs')).toMatchObject({ paymentId: differs.id, statementMinor: 140_000, creditedMinor: 150_000 });
    // Held for review, never reversed: flagged, still completed, still credited.
    const held = (await h.db.select().from(payments).where(eq(payments.id, noMoney.id)))[0];
    expect(held).toMatchObject({ status: 'completed', flagged: true });

    // The STK payment whose callback never came is completed late through the payments core.
    const late = (await h.db.select().from(payments).where(eq(payments.id, lateStk.id)))[0];
    expect(late).toMatchObject({ status: 'completed', mpesaReceipt: 'TKR1LATEST', flagged: true });
    const lines = await h.db.select().from(reconLines).where(eq(reconLines.channel, 'mpesa'));
    expect(Object.fromEntries(lines.map((l) => [`${l.reference}:${l.kind}`, l.result]))).toEqual({
      'TKR1MATCH1:money_in': 'matched',
      'TKR1MATCH1:charge': 'fee_booked',
      'TKR1STRANG:money_in': 'uncredited',
      'TKR1DIFFER:money_in': 'amount_differs',
      'TKR1LATEST:money_in': 'completed_late',
      'TKR1FAILED:other': 'ignored',
    });
    expect(lines.every((l) => l.raw.includes(l.reference))).toBe(true);

    // The charge is a fee line on the 'fees' account: the holder's balance does not move.
    const fees = await h.db.select().from(ledgerEntries).where(eq(ledgerEntries.account, 'fees'));
    expect(fees.map((f) => [f.paymentId, f.kind, f.amountMinor])).toEqual([[matched.id, 'fee', 1_000]]);
    expect(await policyBalance(h.db, h.motor.id)).toBe(motorBefore);
  });

  test('importing the same statement twice changes nothing', async () => {
    const counts = async () => ({
      lines: (await h.db.select().from(reconLines)).length,
      breaks: (await h.db.select().from(reconBreaks)).length,
      ledger: (await h.db.select().from(ledgerEntries)).length,
    });
    const before = await counts();
    const again = await uploadMpesaStatement(h.db, finance, { name: 'statement-again.csv', text: mpesaCsv });
    expect(again).toMatchObject({ ok: true, message: expect.stringContaining('Nothing new') });
    // The same lines inside a different file (another export of the same period) are no-ops too.
    const reexport = await uploadMpesaStatement(h.db, finance, { name: 'reexport.csv', text: `${mpesaCsv}\r\n` });
    expect(reexport.ok).toBe(true);
    expect(await counts()).toEqual(before);
  });

  test('Paystack settlement from the emulator: fees stored per transaction and booked; gross − fees = net matches the settlement', async () => {
    card1 = await payment('card', 500_000, { paystackReference: 'MLP-RC-CARD1' });
    card2 = await payment('card', 123_456, { paystackReference: 'MLP-RC-CARD2' });
    const now = new Date();
    for (const [i, p] of [card1, card2].entries()) {
      await h.db.insert(sandboxPaystackTransactions).values({ reference: p.paystackReference!, accessCode: `acc_recon_${i}`, email: 'wanjiku@example.com', amount: p.amountMinor, currency: 'KES', status: 'success', gatewayResponse: 'Approved', channel: 'card', paidAt: now, createdAt: now });
    }
    const run = await fetchPaystackSettlements(h.db, h.paystack);
    expect(run).toMatchObject({ ok: true, settlements: 1, newLines: 2, days: [today] });
    expect(await breaksOf(today, 'card')).toEqual([]);
    const fees = await h.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.account, 'fees'), eq(ledgerEntries.kind, 'fee')));
    expect(fees.filter((f) => f.paymentId === card1.id || f.paymentId === card2.id).map((f) => f.amountMinor).sort((a, b) => a - b)).toEqual([3580, 14500]);
    const f = await dayFigures(h.db, today, 'card');
    expect(f.statement).toMatchObject({ grossMinor: 623_456, feesMinor: 18_080, netMinor: 605_376 });
    expect(f.ledger).toEqual({ grossMinor: f.statement.grossMinor, feesMinor: f.statement.feesMinor, netMinor: f.statement.netMinor });
    // The settlement's own net (what reached the bank) is the same figure.
    const list = await h.paystack.listSettlements({ from: today, to: today });
    expect(list.ok && list.settlements[0].total_amount).toBe(605_376);
    // Read again: nothing new.
    expect(await fetchPaystackSettlements(h.db, h.paystack)).toMatchObject({ ok: true, newLines: 0 });
    expect((await h.db.select().from(ledgerEntries).where(eq(ledgerEntries.account, 'fees'))).length).toBe(3);
  });

  test('M-Pesa figures: gross − fees = net on both sides once the differences are the named breaks', async () => {
    const f = await dayFigures(h.db, today, 'mpesa');
    expect(f.statement).toMatchObject({ grossMinor: 550_000, feesMinor: 1_000, netMinor: 549_000, moneyIn: 4 });
    // Ledger: the matched payment and the late STK one (1,600.00), fee 10.00.
    expect(f.ledger).toEqual({ grossMinor: 160_000, feesMinor: 1_000, netMinor: 159_000 });
    // What separates them is exactly the open breaks' statement amounts (2,500 uncredited + 1,400 differs).
    const open = (await breaksOf(today, 'mpesa')).reduce((s, b) => s + b.statementMinor, 0);
    expect(f.statement.grossMinor - f.ledger.grossMinor).toBe(open);
    expect(f.breaks).toEqual({ open: 3, resolved: 0 });
  });

  test('resolving: allocation by hand (four eyes), write-off (four eyes), matched by hand; then finance closes the day', async () => {
    const breaks = await breaksOf(today, 'mpesa');
    const by = (k: string) => breaks.find((b) => b.kind === k)!;

    // Support sees but cannot resolve or close.
    expect(await resolveBreak(h.db, support, { breakId: by('amount_differs').id, how: 'matched_by_hand', note: 'Checked the statement' })).toMatchObject({ code: 'forbidden' });
    expect(await closeDay(h.db, support, { day: today, channel: 'mpesa' })).toMatchObject({ code: 'forbidden' });
    // Not while breaks are open.
    expect(await closeDay(h.db, finance, { day: today, channel: 'mpesa' })).toMatchObject({ ok: false, code: 'conflict' });

    // Money in, not credited -> allocated to the policy its payer meant, approved by another finance member.
    const alloc = await allocateBreak(h.db, finance, { breakId: by('uncredited').id, policyNumber: h.motor.number, reason: 'Payer used a wrong account number' });
    expect(alloc.ok).toBe(true);
    const [withMovement] = await h.db.select().from(reconBreaks).where(eq(reconBreaks.id, by('uncredited').id));
    expect(withMovement.status).toBe('allocation_requested');
    expect(await approveMovement(h.db, finance, { movementId: withMovement.movementId!, note: 'ok' })).toMatchObject({ ok: false });
    expect(await approveMovement(h.db, finance2, { movementId: withMovement.movementId!, note: 'Matches the statement' })).toMatchObject({ ok: true });

    // Credited without money -> written off, four eyes.
    const wo = by('credited_no_money').id;
    expect(await requestWriteOff(h.db, finance, { breakId: wo, reason: 'Daraja reversed it; holder keeps the cover' })).toMatchObject({ ok: true });
    expect(await decideWriteOff(h.db, finance, { breakId: wo, note: 'fine', approve: true })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await decideWriteOff(h.db, finance2, { breakId: wo, note: 'Agreed', approve: true })).toMatchObject({ ok: true });

    // Amount differs -> matched by hand with the explanation.
    expect(await resolveBreak(h.db, finance, { breakId: by('amount_differs').id, how: 'matched_by_hand', note: 'KES 100 came separately, see TKR1OTHER1', reference: 'TKR1OTHER1' })).toMatchObject({ ok: true });

    // A line for yesterday: yesterday's day is closed first, then a late line becomes an adjustment today.
    const yAt = new Date(`${yesterday}T10:00:00+03:00`);
    expect(await uploadMpesaStatement(h.db, finance, { name: 'y.csv', text: statement([{ receipt: 'TKQ1YFAIL1', at: yAt, details: 'Pay Bill', status: 'Failed', paidIn: 100 }]) })).toMatchObject({ ok: true });
    expect(await closeDay(h.db, finance, { day: yesterday, channel: 'mpesa' })).toMatchObject({ ok: true });
    const lateLine = await uploadMpesaStatement(h.db, finance, { name: 'y2.csv', text: statement([{ receipt: 'TKQ1YLATE1', at: yAt, details: 'Pay Bill from 254700000002 Acc. NONE', paidIn: 7_000, account: 'NONE' }]) });
    expect(lateLine).toMatchObject({ ok: true, message: expect.stringContaining('adjustments') });
    const [adj] = await h.db.select().from(reconLines).where(eq(reconLines.reference, 'TKQ1YLATE1'));
    expect(adj).toMatchObject({ day: today, adjustmentOf: yesterday, result: 'uncredited' });
    const adjBreak = (await breaksOf(today, 'mpesa')).find((b) => b.lineId === adj.id)!;
    expect(adjBreak).toMatchObject({ adjustmentOf: yesterday, status: 'open' });
    expect(await resolveBreak(h.db, finance, { breakId: adjBreak.id, how: 'refunded', note: 'Sent back to the payer', reference: 'TKQ1REVRS1' })).toMatchObject({ ok: true });

    const closed = await closeDay(h.db, finance, { day: today, channel: 'mpesa' });
    expect(closed).toMatchObject({ ok: true });
    const [day] = await h.db.select().from(reconDays).where(and(eq(reconDays.day, today), eq(reconDays.channel, 'mpesa')));
    expect(day).toMatchObject({ status: 'closed', closedBy: finance.userId });
    const resolved = await breaksOf(today, 'mpesa');
    expect(resolved.map((b) => [b.kind, b.resolution]).sort()).toEqual([['amount_differs', 'matched_by_hand'], ['credited_no_money', 'written_off'], ['uncredited', 'allocated'], ['uncredited', 'refunded']]);
    expect(resolved.find((b) => b.resolution === 'allocated')!.resolvedBy).toBe(finance2.userId);
  });

  test('a closed day refuses changes: data layer, trigger, and imports', async () => {
    const [b] = await breaksOf(today, 'mpesa');
    expect(await resolveBreak(h.db, finance, { breakId: b.id, how: 'matched_by_hand', note: 'Trying to change it' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await closeDay(h.db, finance, { day: today, channel: 'mpesa' })).toMatchObject({ ok: false, code: 'conflict' });
    await expect(h.db.insert(reconBreaks).values({ dedupeKey: 'sneaky', channel: 'mpesa', day: today, kind: 'uncredited', summary: 'x' })).rejects.toThrow();
    await expect(h.db.update(reconBreaks).set({ resolutionNote: 'edited' }).where(eq(reconBreaks.id, b.id))).rejects.toThrow();
    await expect(h.db.update(reconDays).set({ status: 'open' }).where(and(eq(reconDays.day, today), eq(reconDays.channel, 'mpesa')))).rejects.toThrow();
    await expect(h.db.delete(reconLines).where(eq(reconLines.day, today))).rejects.toThrow();
    // Today is closed too, so a new line for it has nowhere to go: refused, nothing stored.
    const before = (await h.db.select().from(reconLines)).length;
    const r = await uploadMpesaStatement(h.db, finance, { name: 'late.csv', text: statement([{ receipt: 'TKR1TOOLAT', at: new Date(), details: 'Pay Bill', paidIn: 1_000, account: 'X' }]) });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('closed') });
    expect((await h.db.select().from(reconLines)).length).toBe(before);
    // The frozen figures are what the report shows.
    const f = await dayFigures(h.db, today, 'mpesa');
    expect(f).toMatchObject({ status: 'closed', breaks: { open: 0, resolved: 4 } });
  });
});

describe('report, morning email, sandbox statement', () => {
  test('the report has a row per day and channel; the CSV row carries the figures', async () => {
    const days = await reportDays(h.db);
    expect(days.map((d) => `${d.day}:${d.channel}:${d.status}`)).toEqual(expect.arrayContaining([`${today}:mpesa:closed`, `${today}:card:open`, `${yesterday}:mpesa:closed`]));
    const card = days.find((d) => d.day === today && d.channel === 'card')!;
    expect(REPORT_CSV_HEADER).toHaveLength(reportCsvRow(card).length);
    expect(reportCsvRow(card).slice(0, 7)).toEqual([today, 'card', 'open', '0.00', '6234.56', '180.80', '6053.76']);
  });

  test('each morning every finance member gets the report in the outbox, once', async () => {
    expect(await queueMorningReport(h.db, today, 'http://localhost:3000')).toBe(2);
    await queueMorningReport(h.db, today, 'http://localhost:3000');
    const mails = await h.db.select().from(outboxMessages).where(eq(outboxMessages.kind, 'recon_report'));
    expect(mails.map((m) => m.toEmail).sort()).toEqual([DEMO_USERS.finance2.email, DEMO_USERS.staff.email].sort());
    expect(mails[0].textBody).toContain('Card (Paystack) — open');
    expect(mails[0].textBody).toContain('gross KES 6,234.56, fees KES 180.80, net KES 6,053.76');
    // 06:00 Nairobi is 03:00 UTC: the next run after 02:00 UTC is the same day, after 04:00 UTC the next.
    expect(nextNairobiHour(6, new Date('2026-11-25T02:00:00Z')).toISOString()).toBe('2026-11-25T03:00:00.000Z');
    expect(nextNairobiHour(6, new Date('2026-11-25T04:00:00Z')).toISOString()).toBe('2026-11-26T03:00:00.000Z');
  });

  test('the sandbox statement is what happened in the sandbox, with injected breaks', async () => {
    const day = '2025-03-03';
    expect(await injectBreak(h.db, finance, { channel: 'mpesa', day, kind: 'uncredited', amountMinor: 123_400, account: 'NOPOLICY' })).toMatchObject({ ok: true });
    expect(await injectBreak(h.db, support, { channel: 'mpesa', day, kind: 'uncredited', amountMinor: 100 })).toMatchObject({ ok: true });
    const csv = await sandboxMpesaStatement(h.db, day);
    const parsed = parseMpesaStatement(csv);
    expect(parsed.ok && parsed.lines.map((l) => [l.kind, l.paidInMinor, l.account])).toEqual([['money_in', 123_400, 'NOPOLICY'], ['money_in', 100, 'UNKNOWN']]);
    const up = await uploadMpesaStatement(h.db, finance, { name: 's.csv', text: csv });
    expect(up).toMatchObject({ ok: true, message: expect.stringContaining('2 breaks found') });
  });

  test('two uploads of the same statement at once store and match every line once', async () => {
    const at = new Date('2025-03-04T09:00:00Z');
    const text = statement([
      { receipt: 'TCR1PARAL1', at, details: 'Pay Bill from 254700000003 Acc. X1', paidIn: 10_000, account: 'X1' },
      { receipt: 'TCR1PARAL2', at, details: 'Pay Bill from 254700000004 Acc. X2', paidIn: 20_000, account: 'X2' },
    ]);
    const [a, b] = await Promise.all([uploadMpesaStatement(h.db, finance, { name: 'a.csv', text }), uploadMpesaStatement(h.db, finance2, { name: 'b.csv', text })]);
    expect(a.ok && b.ok).toBe(true);
    expect((await h.db.select().from(reconLines).where(eq(reconLines.day, '2025-03-04'))).map((l) => l.result)).toEqual(['uncredited', 'uncredited']);
    expect(await breaksOf('2025-03-04', 'mpesa')).toHaveLength(2);
  });

  test('an allocation raised on Money by hand with the line\'s code links to the break and resolves it when approved', async () => {
    const raised = await raiseMovement(h.db, support, { kind: 'allocation', policyId: h.motor.id, amountMinor: 10_000, reason: 'Holder called about it', mpesaCode: 'TCR1PARAL1' });
    expect(raised.ok).toBe(true);
    await syncAllocations(h.db);
    const find = async () => (await breaksOf('2025-03-04', 'mpesa')).find((b) => b.summary.includes('TCR1PARAL1'))!;
    expect(await find()).toMatchObject({ status: 'allocation_requested', movementId: raised.ok ? raised.movement.id : null });
    expect(await approveMovement(h.db, finance, { movementId: raised.ok ? raised.movement.id : '', note: 'On the statement' })).toMatchObject({ ok: true });
    await syncAllocations(h.db);
    expect(await find()).toMatchObject({ status: 'resolved', resolution: 'allocated', resolvedBy: finance.userId });
  });
});

describe('money in that no payment of ours explains goes through the Paybill pipeline', () => {
  test('a line naming a policy is credited as a Paybill payment; an unknown account waits on Unallocated and its break resolves when allocated there', async () => {
    const day = addDays(today, -3);
    const at = new Date(nairobiDayStart(day).getTime() + 10 * 3600_000);
    const before = await policyBalance(h.db, h.afya.id);
    const csv = statement([
      { receipt: 'TKR1PAYBL1', at, details: `Pay Bill from 254700000002 - JANE Acc. ${h.afya.number}`, paidIn: 50_000, account: h.afya.number },
      { receipt: 'TKR1PAYBL2', at, details: 'Pay Bill from 254700000003 - JOHN Acc. NOSUCH99', paidIn: 70_000, account: 'NOSUCH99' },
    ]);
    expect(await uploadMpesaStatement(h.db, finance, { name: 'paybill-day.csv', text: csv })).toMatchObject({ ok: true });

    // The confirmation never came, but the statement line names the policy: credited once, as Paybill money.
    const [credited] = await h.db.select().from(payments).where(eq(payments.mpesaReceipt, 'TKR1PAYBL1'));
    expect(credited).toMatchObject({ status: 'completed', channel: 'paybill', amountMinor: 50_000, policyId: h.afya.id });
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 50_000);
    const lines = await h.db.select().from(reconLines).where(eq(reconLines.day, day));
    expect(Object.fromEntries(lines.map((l) => [l.reference, l.result]))).toEqual({ TKR1PAYBL1: 'completed_late', TKR1PAYBL2: 'uncredited' });

    // The unknown account is a break and waits on the Unallocated page.
    const [brk] = await breaksOf(day, 'mpesa');
    expect(brk).toMatchObject({ kind: 'uncredited', status: 'open', statementMinor: 70_000 });
    expect(brk.summary).toMatch(/Unallocated/);
    const [queued] = await h.db.select().from(paybillReceipts).where(eq(paybillReceipts.transId, 'TKR1PAYBL2'));
    expect(queued).toMatchObject({ status: 'unallocated', source: 'statement' });

    // Allocated there under four eyes: the break resolves itself, by the approver.
    expect(await raisePaybillAllocation(h.db, support, { receiptId: queued.id, policyId: h.motor.id, note: 'Holder called: typo in the account' })).toMatchObject({ ok: true });
    expect(await approvePaybillAllocation(h.db, finance2, { receiptId: queued.id, note: 'Checked the call note' })).toMatchObject({ ok: true });
    await syncAllocations(h.db);
    const [after] = await breaksOf(day, 'mpesa');
    expect(after).toMatchObject({ status: 'resolved', resolution: 'allocated', resolvedBy: finance2.userId });
    // Uploading the same statement again credits nothing twice.
    expect(await uploadMpesaStatement(h.db, finance, { name: 'paybill-day-again.csv', text: csv })).toMatchObject({ ok: true });
    expect(await h.db.select().from(payments).where(eq(payments.mpesaReceipt, 'TKR1PAYBL1'))).toHaveLength(1);
    expect(await policyBalance(h.db, h.afya.id)).toBe(before - 50_000);
  });
});
