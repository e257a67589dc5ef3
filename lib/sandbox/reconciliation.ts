// Sandbox only: the statements the real gateways would give for what happened in the sandbox,
// and a way to inject each kind of reconciliation break, so the whole daily close runs on a laptop.
//  - M-Pesa: the organisation portal's CSV for a day, from the emulator's answered prompts (paid,
//    with a receipt), whether or not our callback arrived.
//  - Paystack: one settlement per Nairobi day of the emulator's successful transactions, each
//    transaction with its fee (lib/sandbox/paystack/emulator.ts serves it as GET /settlement).
// Injections change what these statements say for one day: money nobody of ours knows about,
// a paid receipt left off, or another amount for a receipt.
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import { sandboxPaystackTransactions, sandboxReconInjections, sandboxStkPrompts, type SandboxReconInjection } from '@/db/sandbox-schema';
import { recordAudit } from '@/lib/audit';
import { darajaSandboxEnabled } from '@/lib/env';
import { isCalendarDate, nairobiDayEnd, nairobiDayStart, nairobiWallClock } from '@/lib/nairobi-time';
import { STATEMENT_HEADER } from '@/lib/reconciliation/mpesa-statement';
import { staffOnly, type Forbidden } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';
import { SANDBOX_SHORTCODE } from './daraja/emulator';
import { receiptNumber } from './daraja/phone';
import { sandboxFee } from './paystack/webhooks';

export const INJECTION_KINDS = {
  uncredited: 'Money in that no payment of ours knows (a paybill payment straight to the shortcode)',
  omit: 'A paid receipt left off the statement (we credited it, the money is not there)',
  amount: 'Another amount on the statement for a paid receipt',
} as const;
export type InjectionKind = keyof typeof INJECTION_KINDS;

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const amount = (minor: number) => (minor === 0 ? '' : `${Math.floor(minor / 100).toLocaleString('en-US')}.${String(minor % 100).padStart(2, '0')}`);
/** "2026-11-25 14:05:33" in Nairobi, as the portal writes it. */
const portalTime = (at: Date) => nairobiWallClock(at).toISOString().slice(0, 19).replace('T', ' ');

async function injections(db: Queryable, channel: string, day: string) {
  return db.select().from(sandboxReconInjections).where(and(eq(sandboxReconInjections.channel, channel), eq(sandboxReconInjections.day, day))).orderBy(asc(sandboxReconInjections.at));
}

type Line = { receipt: string; at: Date; details: string; paidInMinor: number; otherParty: string; account: string };

/** The M-Pesa organisation portal's statement CSV for one Nairobi day of the sandbox. */
export async function sandboxMpesaStatement(db: Queryable, day: string): Promise<string> {
  const prompts = await db
    .select()
    .from(sandboxStkPrompts)
    .where(and(eq(sandboxStkPrompts.resultCode, '0'), gte(sandboxStkPrompts.answeredAt, nairobiDayStart(day)), lt(sandboxStkPrompts.answeredAt, nairobiDayEnd(day))))
    .orderBy(asc(sandboxStkPrompts.answeredAt));
  const inj = await injections(db, 'mpesa', day);
  const omitted = new Set(inj.filter((i) => i.kind === 'omit').map((i) => i.reference));
  const amounts = new Map(inj.filter((i) => i.kind === 'amount').map((i) => [i.reference, i.amountMinor]));
  const lines: Line[] = prompts
    .filter((p) => p.receipt && !omitted.has(p.receipt))
    .map((p) => ({
      receipt: p.receipt!,
      at: p.answeredAt!,
      details: `Pay Bill Online from ${p.phone} - SANDBOX PAYER Acc. ${p.accountReference}`,
      paidInMinor: amounts.get(p.receipt!) ?? p.amountKes * 100,
      otherParty: `${p.phone} - SANDBOX PAYER`,
      account: p.accountReference,
    }));
  for (const i of inj.filter((x) => x.kind === 'uncredited')) {
    lines.push({ receipt: i.reference, at: i.at, details: `Pay Bill from 254700000000 - WALK-IN PAYER Acc. ${i.account ?? ''}`, paidInMinor: i.amountMinor, otherParty: '254700000000 - WALK-IN PAYER', account: i.account ?? '' });
  }
  lines.sort((a, b) => a.at.getTime() - b.at.getTime());
  let balance = 0;
  const rows = lines.map((l) => {
    balance += l.paidInMinor;
    return [l.receipt, portalTime(l.at), portalTime(l.at), l.details, 'Completed', amount(l.paidInMinor), '', amount(balance), '', 'Pay Bill Online', l.otherParty, '', l.account];
  });
  const preamble = [['Account Name', 'MALIPO SANDBOX'], ['Short Code', SANDBOX_SHORTCODE], ['Time Period', `${day} 00:00:00 - ${day} 23:59:59`], []];
  return [...preamble, STATEMENT_HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export type SandboxSettlement = {
  id: number;
  day: string;
  transactions: (typeof sandboxPaystackTransactions.$inferSelect & { fee: number })[];
};

/** One settlement per Nairobi day of successful sandbox card payments, injections applied. */
export async function sandboxSettlements(db: Queryable, fromDay: string, toDay: string): Promise<SandboxSettlement[]> {
  const rows = await db
    .select()
    .from(sandboxPaystackTransactions)
    .where(and(eq(sandboxPaystackTransactions.status, 'success'), gte(sandboxPaystackTransactions.paidAt, nairobiDayStart(fromDay)), lt(sandboxPaystackTransactions.paidAt, nairobiDayEnd(toDay))))
    .orderBy(asc(sandboxPaystackTransactions.paidAt));
  const all = await db.select().from(sandboxReconInjections).where(eq(sandboxReconInjections.channel, 'card'));
  const byDay = new Map<string, SandboxSettlement>();
  const settlement = (day: string) => {
    if (!byDay.has(day)) byDay.set(day, { id: Number(day.replaceAll('-', '')), day, transactions: [] });
    return byDay.get(day)!;
  };
  for (const r of rows) {
    const day = nairobiWallClock(r.paidAt!).toISOString().slice(0, 10);
    const inj = all.filter((i) => i.day === day && i.reference === r.reference);
    if (inj.some((i) => i.kind === 'omit')) continue;
    const amountInj = inj.find((i) => i.kind === 'amount');
    const amountMinor = amountInj ? amountInj.amountMinor : r.amount;
    settlement(day).transactions.push({ ...r, amount: amountMinor, fee: sandboxFee(amountMinor) });
  }
  for (const i of all.filter((x) => x.kind === 'uncredited' && x.day >= fromDay && x.day <= toDay)) {
    settlement(i.day).transactions.push(fakeCardTransaction(i));
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

function fakeCardTransaction(i: SandboxReconInjection): SandboxSettlement['transactions'][number] {
  return {
    id: 9_000_000 + Math.abs(hash(i.id)),
    reference: i.reference,
    accessCode: `inj_${i.id}`,
    email: 'walk-in@example.com',
    amount: i.amountMinor,
    currency: 'KES',
    status: 'success',
    gatewayResponse: 'Approved',
    channel: 'card',
    callbackUrl: null,
    metadata: null,
    authorization: null,
    customer: null,
    createdAt: i.at,
    paidAt: i.at,
    fee: sandboxFee(i.amountMinor),
  };
}

function hash(s: string) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h % 1_000_000;
}

export type InjectResult = { ok: true; message: string; reference: string } | { ok: false; code: 'invalid' | 'not_found'; error: string } | Forbidden;

/**
 * Injects one break into the sandbox statement of `day`. 'uncredited' needs an amount; 'omit' and
 * 'amount' name a receipt (M-Pesa) or reference (card), or take the day's latest paid one.
 */
export async function injectBreak(
  db: Db,
  viewer: Viewer,
  input: { channel: 'mpesa' | 'card'; day: string; kind: InjectionKind; amountMinor?: number; reference?: string; account?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<InjectResult> {
  const denied = staffOnly(viewer, 'sandbox.tools');
  if (denied) return denied;
  if (!darajaSandboxEnabled(env)) return { ok: false, code: 'not_found', error: 'Only available in the sandbox.' };
  if (!isCalendarDate(input.day)) return { ok: false, code: 'invalid', error: 'Choose a day.' };
  if (!(input.kind in INJECTION_KINDS)) return { ok: false, code: 'invalid', error: 'Choose what to inject.' };
  let reference = input.reference?.trim().toUpperCase() || '';
  let amountMinor = input.amountMinor ?? 0;
  if (input.kind === 'uncredited') {
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return { ok: false, code: 'invalid', error: 'Enter an amount.' };
    // Noon of that day (or now, if it is today and earlier), so the line lands on the day chosen.
    const noon = new Date(`${input.day}T12:00:00+03:00`);
    const at = noon.getTime() > Date.now() ? new Date(Math.max(Date.now(), nairobiDayStart(input.day).getTime())) : noon;
    reference ||= input.channel === 'mpesa' ? receiptNumber(at) : `SBX-WALKIN-${Date.now().toString(36).toUpperCase()}`;
    await db.insert(sandboxReconInjections).values({ channel: input.channel, day: input.day, kind: 'uncredited', reference, amountMinor, account: input.account?.trim() || 'UNKNOWN', at });
  } else {
    if (!reference) {
      const latest =
        input.channel === 'mpesa'
          ? (await db.select({ r: sandboxStkPrompts.receipt, a: sandboxStkPrompts.amountKes }).from(sandboxStkPrompts).where(and(eq(sandboxStkPrompts.resultCode, '0'), gte(sandboxStkPrompts.answeredAt, nairobiDayStart(input.day)), lt(sandboxStkPrompts.answeredAt, nairobiDayEnd(input.day)))).orderBy(asc(sandboxStkPrompts.answeredAt))).at(-1)
          : (await db.select({ r: sandboxPaystackTransactions.reference, a: sandboxPaystackTransactions.amount }).from(sandboxPaystackTransactions).where(and(eq(sandboxPaystackTransactions.status, 'success'), gte(sandboxPaystackTransactions.paidAt, nairobiDayStart(input.day)), lt(sandboxPaystackTransactions.paidAt, nairobiDayEnd(input.day))))).at(-1);
      if (!latest?.r) return { ok: false, code: 'not_found', error: 'Nothing was paid in the sandbox that day.' };
      reference = latest.r;
      if (input.kind === 'amount' && !amountMinor) amountMinor = Math.max(100, (input.channel === 'mpesa' ? latest.a * 100 : latest.a) - 10_000);
    }
    if (input.kind === 'amount' && (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)) return { ok: false, code: 'invalid', error: 'Enter the amount the statement should show.' };
    await db.insert(sandboxReconInjections).values({ channel: input.channel, day: input.day, kind: input.kind, reference, amountMinor });
  }
  await recordAudit(db, { actorId: viewer.userId, action: 'sandbox.inject_recon_break', targetType: 'sandbox', targetId: reference, detail: { ...input, reference, amountMinor } });
  return { ok: true, reference, message: `Sandbox: injected "${INJECTION_KINDS[input.kind]}" (${reference}) into the ${input.channel === 'mpesa' ? 'M-Pesa statement' : 'Paystack settlement'} of ${input.day}.` };
}
