// Staff work on breaks and days, authorised here (lib/auth/roles.ts recon.*): resolve a break by
// hand (matched, refunded), by a manual allocation (lib/movements, four eyes), or write it off
// (four eyes: lib/approvals/four-eyes.ts); sign a day off once nothing is open, which locks it.
// Each step runs in one transaction with its audit record, under the break's (or day's) row lock.
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable, Tx } from '@/db/client';
import { RECON_CHANNELS, reconBreaks, reconDays, reconLines, type ReconBreak, type ReconChannel } from '@/db/reconciliation-schema';
import { gatewayEvents, payments, users } from '@/db/schema';
import { approvalStep } from '@/lib/approvals/four-eyes';
import { recordAudit } from '@/lib/audit';
import { assertCan, denyUnless, type Forbidden } from '@/lib/auth/roles';
import { secondApprovalAboveMinor } from '@/lib/env';
import { formatKes } from '@/lib/money';
import { findPolicyByNumber, raiseMovement } from '@/lib/movements/movements';
import { isCalendarDate } from '@/lib/nairobi-time';
import { uuidField } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { syncAllocations } from './allocations';
import { dayFigures, type DayFigures } from './report';

export type ReconResult = { ok: true; message: string } | { ok: false; code: 'invalid' | 'not_found' | 'conflict'; error: string } | Forbidden;

const note = z.string().trim().min(5, 'Say briefly what you found (at least 5 characters).').max(1000, 'Keep it under 1000 characters.');
const reference = z.string().trim().toUpperCase().regex(/^[A-Z0-9.=-]{6,40}$/, 'Enter the reference, e.g. the M-Pesa code UKP1ABCDEF.');
const resolveSchema = z.discriminatedUnion('how', [
  z.object({ breakId: uuidField('Unknown break.'), how: z.literal('matched_by_hand'), note, reference: reference.optional().or(z.literal('').transform(() => undefined)) }),
  z.object({ breakId: uuidField('Unknown break.'), how: z.literal('refunded'), note, reference }),
]);
const writeOffSchema = z.object({ breakId: uuidField('Unknown break.'), reason: z.string().trim().min(10, 'Give the reason for the write-off (at least 10 characters).').max(1000) });
const decisionSchema = z.object({ breakId: uuidField('Unknown break.'), note: z.string().trim().min(3, 'Write a short note for the record (at least 3 characters).').max(1000) });
const daySchema = z.object({ day: z.string().refine(isCalendarDate, 'Unknown day.'), channel: z.enum(RECON_CHANNELS) });

const invalid = (e: z.ZodError) => ({ ok: false as const, code: 'invalid' as const, error: e.issues[0].message });
const notFound = { ok: false as const, code: 'not_found' as const, error: 'Unknown break.' };
const conflict = (error: string) => ({ ok: false as const, code: 'conflict' as const, error });

async function dayClosed(tx: Queryable, day: string, channel: ReconChannel) {
  const [d] = await tx.select({ status: reconDays.status }).from(reconDays).where(and(eq(reconDays.day, day), eq(reconDays.channel, channel)));
  return d?.status === 'closed';
}

/** The break under its row lock, refused when its day is closed (the lock trigger would refuse too). */
async function lockBreak(tx: Tx, breakId: string): Promise<ReconBreak | { error: ReconResult }> {
  const [b] = await tx.select().from(reconBreaks).where(eq(reconBreaks.id, breakId)).for('update');
  if (!b) return { error: notFound };
  if (await dayClosed(tx, b.day, b.channel)) return { error: conflict(`${b.day} is closed; nothing can change on it. Record it as an adjustment today.`) };
  return b;
}

export async function resolveBreak(db: Db, viewer: Viewer, raw: z.input<typeof resolveSchema>): Promise<ReconResult> {
  const denied = denyUnless(viewer, 'recon.resolve');
  if (denied) return denied;
  const parsed = resolveSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const input = parsed.data;
  return db.transaction(async (tx) => {
    const b = await lockBreak(tx, input.breakId);
    if ('error' in b) return b.error;
    if (b.status !== 'open') return conflict(b.status === 'resolved' ? 'This break is already resolved; nothing changed.' : 'A write-off or allocation is waiting for approval; decide that first.');
    await tx
      .update(reconBreaks)
      .set({ status: 'resolved', resolution: input.how, resolutionNote: input.note, resolutionReference: input.reference ?? null, resolvedBy: viewer.userId, resolvedAt: new Date() })
      .where(eq(reconBreaks.id, b.id));
    await recordAudit(tx, { actorId: viewer.userId, action: `recon.break_${input.how}`, targetType: 'recon_break', targetId: b.id, detail: { day: b.day, channel: b.channel, kind: b.kind, reference: input.reference ?? null, note: input.note } });
    return { ok: true as const, message: input.how === 'refunded' ? `Resolved as refunded (${input.reference}).` : 'Resolved: matched by hand.' };
  });
}

export async function requestWriteOff(db: Db, viewer: Viewer, raw: z.input<typeof writeOffSchema>): Promise<ReconResult> {
  const denied = denyUnless(viewer, 'recon.resolve');
  if (denied) return denied;
  const parsed = writeOffSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  return db.transaction(async (tx) => {
    const b = await lockBreak(tx, parsed.data.breakId);
    if ('error' in b) return b.error;
    if (b.status !== 'open') return conflict('Only an open break can be written off; nothing changed.');
    await tx.update(reconBreaks).set({ status: 'write_off_requested', writeOffRequestedBy: viewer.userId, writeOffReason: parsed.data.reason, writeOffFirstApprovedBy: null }).where(eq(reconBreaks.id, b.id));
    await recordAudit(tx, { actorId: viewer.userId, action: 'recon.write_off_request', targetType: 'recon_break', targetId: b.id, detail: { day: b.day, channel: b.channel, kind: b.kind, reason: parsed.data.reason } });
    return { ok: true as const, message: 'Write-off requested. A finance member other than you approves it.' };
  });
}

/** The amount a write-off gives up: the larger side of the difference. */
const atStake = (b: ReconBreak) => Math.abs(b.statementMinor - b.creditedMinor) || Math.max(b.statementMinor, b.creditedMinor);

export async function decideWriteOff(db: Db, viewer: Viewer, raw: z.input<typeof decisionSchema> & { approve: boolean }, deps: { secondApprovalAboveMinor?: number } = {}): Promise<ReconResult> {
  const denied = denyUnless(viewer, 'recon.resolve');
  if (denied) return denied;
  const parsed = decisionSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const threshold = deps.secondApprovalAboveMinor ?? secondApprovalAboveMinor();
  return db.transaction(async (tx) => {
    const b = await lockBreak(tx, parsed.data.breakId);
    if ('error' in b) return b.error;
    if (b.status !== 'write_off_requested' || !b.writeOffRequestedBy) return conflict('No write-off is waiting on this break; nothing changed.');
    if (!raw.approve) {
      await tx.update(reconBreaks).set({ status: 'open', writeOffRequestedBy: null, writeOffReason: null, writeOffFirstApprovedBy: null }).where(eq(reconBreaks.id, b.id));
      await recordAudit(tx, { actorId: viewer.userId, action: 'recon.write_off_reject', targetType: 'recon_break', targetId: b.id, detail: { note: parsed.data.note } });
      return { ok: true as const, message: 'Write-off rejected; the break is open again.' };
    }
    const step = approvalStep({ raisedBy: b.writeOffRequestedBy, firstApprovedBy: b.writeOffFirstApprovedBy, amountMinor: atStake(b) }, viewer.userId, threshold);
    if (!step.ok) return conflict(step.error);
    if (!step.final) {
      await tx.update(reconBreaks).set({ writeOffFirstApprovedBy: viewer.userId }).where(eq(reconBreaks.id, b.id));
      await recordAudit(tx, { actorId: viewer.userId, action: 'recon.write_off_approve_first', targetType: 'recon_break', targetId: b.id, detail: { note: parsed.data.note } });
      return { ok: true as const, message: `First approval recorded. Above ${formatKes(threshold)} a second, different finance member must approve too.` };
    }
    await tx
      .update(reconBreaks)
      .set({ status: 'resolved', resolution: 'written_off', resolutionNote: `${b.writeOffReason} — approved: ${parsed.data.note}`, resolvedBy: viewer.userId, resolvedAt: new Date() })
      .where(eq(reconBreaks.id, b.id));
    await recordAudit(tx, { actorId: viewer.userId, action: 'recon.write_off_approve', targetType: 'recon_break', targetId: b.id, detail: { day: b.day, channel: b.channel, kind: b.kind, amountMinor: atStake(b), reason: b.writeOffReason, note: parsed.data.note } });
    return { ok: true as const, message: `Written off (${formatKes(atStake(b))}).` };
  });
}

/**
 * Money in, not credited, allocated by hand to a policy: raises the existing manual allocation
 * (four eyes, lib/movements) for the statement line's amount and code, and links the break to it;
 * the break resolves when the allocation is approved.
 */
export async function allocateBreak(db: Db, viewer: Viewer, raw: { breakId: string; policyNumber: string; reason: string }): Promise<ReconResult> {
  const denied = denyUnless(viewer, 'recon.resolve');
  if (denied) return denied;
  const id = uuidField('Unknown break.').safeParse(raw.breakId);
  if (!id.success) return invalid(id.error);
  const [b] = await db.select().from(reconBreaks).where(eq(reconBreaks.id, id.data));
  if (!b) return notFound;
  if (b.kind !== 'uncredited' || b.status !== 'open' || !b.lineId) return conflict('Only an open "money in, not credited" break can be allocated to a policy.');
  const [line] = await db.select().from(reconLines).where(eq(reconLines.id, b.lineId));
  if (line.channel !== 'mpesa') return conflict('Card money is matched by its Paystack reference; resolve it by hand or refund it.');
  const policy = await findPolicyByNumber(db, viewer, raw.policyNumber.slice(0, 40));
  if (!policy) return { ok: false, code: 'invalid', error: 'No policy has that number. Nothing was changed.' };
  const raised = await raiseMovement(db, viewer, { kind: 'allocation', policyId: policy.id, amountMinor: line.grossMinor, reason: raw.reason, mpesaCode: line.reference });
  if (!raised.ok) return raised;
  return db.transaction(async (tx) => {
    const locked = await lockBreak(tx, b.id);
    if ('error' in locked) return locked.error;
    await tx.update(reconBreaks).set({ status: 'allocation_requested', movementId: raised.movement.id }).where(and(eq(reconBreaks.id, b.id), eq(reconBreaks.status, 'open')));
    await recordAudit(tx, { actorId: viewer.userId, action: 'recon.break_allocate', targetType: 'recon_break', targetId: b.id, detail: { movementId: raised.movement.id, policyNumber: policy.number } });
    return { ok: true as const, message: `${raised.message} The break resolves when it is approved (Money by hand).` };
  });
}

/** Signs a day off: every break resolved, figures frozen, then locked for good. */
export async function closeDay(db: Db, viewer: Viewer, raw: { day: string; channel: string }): Promise<ReconResult> {
  const denied = denyUnless(viewer, 'recon.close');
  if (denied) return denied;
  const parsed = daySchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const { day, channel } = parsed.data;
  await syncAllocations(db);
  return db.transaction(async (tx) => {
    const [d] = await tx.select().from(reconDays).where(and(eq(reconDays.day, day), eq(reconDays.channel, channel))).for('update');
    if (!d) return { ok: false as const, code: 'not_found' as const, error: 'No statement has been imported for this day yet.' };
    if (d.status === 'closed') return conflict('This day is already closed.');
    const [open] = await tx.select({ id: reconBreaks.id }).from(reconBreaks).where(and(eq(reconBreaks.day, day), eq(reconBreaks.channel, channel), ne(reconBreaks.status, 'resolved'))).limit(1);
    if (open) return conflict('Resolve every break of this day before closing it. Nothing was changed.');
    const figures: DayFigures = { ...(await dayFigures(tx, day, channel)), status: 'closed', closedAt: new Date().toISOString() };
    await tx.update(reconDays).set({ status: 'closed', figures, closedBy: viewer.userId, closedAt: new Date(figures.closedAt!) }).where(and(eq(reconDays.day, day), eq(reconDays.channel, channel)));
    await recordAudit(tx, { actorId: viewer.userId, action: 'recon.close_day', targetType: 'recon_day', targetId: `${day}:${channel}`, detail: { figures } });
    return { ok: true as const, message: `${day} (${channel === 'mpesa' ? 'M-Pesa' : 'card'}) is closed and locked.` };
  });
}

// ---------------------------------------------------------------------------------------------
// Reads

export async function listReconDays(db: Queryable, viewer: Viewer) {
  assertCan(viewer, 'recon.view');
  const { reportDays } = await import('./report');
  return reportDays(db);
}

export type BreakEvidence = NonNullable<Awaited<ReturnType<typeof reconDay>>>['channels'][number]['breaks'][number];

/** Both channels of a day: figures, breaks with their evidence, and the statement lines. */
export async function reconDay(db: Queryable, viewer: Viewer, day: string) {
  assertCan(viewer, 'recon.view');
  if (!isCalendarDate(day)) return null;
  const channels = [];
  for (const channel of RECON_CHANNELS) {
    const [d] = await db.select().from(reconDays).where(and(eq(reconDays.day, day), eq(reconDays.channel, channel)));
    if (!d) continue;
    const breaks = await db.select().from(reconBreaks).where(and(eq(reconBreaks.day, day), eq(reconBreaks.channel, channel))).orderBy(asc(reconBreaks.createdAt));
    const lineIds = breaks.map((b) => b.lineId).filter((x): x is string => !!x);
    const paymentIds = breaks.map((b) => b.paymentId).filter((x): x is string => !!x);
    const userIds = breaks.flatMap((b) => [b.resolvedBy, b.writeOffRequestedBy, b.writeOffFirstApprovedBy]).filter((x): x is string => !!x);
    const [lines, pays, events, people] = await Promise.all([
      lineIds.length ? db.select().from(reconLines).where(inArray(reconLines.id, lineIds)) : [],
      paymentIds.length ? db.select().from(payments).where(inArray(payments.id, paymentIds)) : [],
      paymentIds.length
        ? db.select({ id: gatewayEvents.id, paymentId: gatewayEvents.paymentId, source: gatewayEvents.source, kind: gatewayEvents.kind, raw: gatewayEvents.raw, receivedAt: gatewayEvents.receivedAt, outcome: gatewayEvents.outcome }).from(gatewayEvents).where(inArray(gatewayEvents.paymentId, paymentIds)).orderBy(asc(gatewayEvents.receivedAt))
        : [],
      userIds.length ? db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, userIds)) : [],
    ]);
    const who = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? 'someone') : null);
    const allLines = await db.select().from(reconLines).where(and(eq(reconLines.day, day), eq(reconLines.channel, channel))).orderBy(asc(reconLines.occurredAt)).limit(500);
    channels.push({
      channel,
      day: d,
      closedByName: d.closedBy ? ((await db.select({ name: users.name }).from(users).where(eq(users.id, d.closedBy)))[0]?.name ?? null) : null,
      figures: await dayFigures(db, day, channel),
      lines: allLines,
      breaks: breaks.map((b) => ({
        ...b,
        line: lines.find((l) => l.id === b.lineId) ?? null,
        payment: pays.find((p) => p.id === b.paymentId) ?? null,
        events: events.filter((e) => e.paymentId === b.paymentId),
        resolvedByName: who(b.resolvedBy),
        writeOffRequestedByName: who(b.writeOffRequestedBy),
        writeOffFirstApprovedByName: who(b.writeOffFirstApprovedBy),
      })),
    });
  }
  return { day, channels };
}
