'use server';
// Reconciliation actions. Roles, four eyes and the closed-day lock are enforced in lib/reconciliation.
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { denyUnless } from '@/lib/auth/roles';
import { parseKesInput } from '@/lib/money';
import { paystackGateway } from '@/lib/payments/gateways';
import { fetchPaystackSettlements } from '@/lib/reconciliation/paystack-settlements';
import { allocateBreak, closeDay, decideWriteOff, requestWriteOff, resolveBreak } from '@/lib/reconciliation/resolve';
import { rerunMatching, uploadMpesaStatement } from '@/lib/reconciliation/upload';
import { injectBreak, type InjectionKind } from '@/lib/sandbox/reconciliation';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';
import { recordAudit } from '@/lib/audit';

const field = (form: FormData, name: string) => String(form.get(name) ?? '').slice(0, 1000);

function done(state: ActionState): ActionState {
  revalidatePath('/staff/reconciliation', 'layout');
  return state;
}

export async function uploadStatementAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: 'Choose the statement file (CSV) to upload.' };
  const r = await uploadMpesaStatement(await getDb(), viewer, { name: file.name, text: await file.text() });
  if (!r.ok) return { ok: false, message: r.error };
  const skipped = r.rejected.length ? ` ${r.rejected.length} row(s) could not be read, e.g. row ${r.rejected[0].row}: ${r.rejected[0].reason}` : '';
  return done({ ok: true, message: r.message + skipped });
}

export async function fetchSettlementsAction(_prev: ActionState): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const denied = denyUnless(viewer, 'recon.upload');
  if (denied) return { ok: false, message: denied.error };
  const db = await getDb();
  const r = await fetchPaystackSettlements(db, paystackGateway().paystack);
  if (!r.ok) return { ok: false, message: `${r.error} Nothing was changed; try again later.` };
  await recordAudit(db, { actorId: viewer.userId, action: 'recon.fetch_settlements', targetType: 'recon_import', detail: { settlements: r.settlements, newLines: r.newLines } });
  return done({ ok: true, message: `Read ${r.settlements} settlement(s) from Paystack: ${r.newLines} new transaction line(s)${r.days.length ? ` for ${r.days.join(', ')}` : ''}.` });
}

export async function rerunMatchingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await rerunMatching(await getDb(), viewer, { day: field(form, 'day'), channel: field(form, 'channel') })));
}

export async function resolveBreakAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const db = await getDb();
  const breakId = field(form, 'breakId');
  const how = field(form, 'how');
  const note = field(form, 'note');
  if (how === 'matched_by_hand' || how === 'refunded') return done(toState(await resolveBreak(db, viewer, { breakId, how, note, reference: field(form, 'reference') })));
  if (how === 'write_off') return done(toState(await requestWriteOff(db, viewer, { breakId, reason: note })));
  if (how === 'allocate') return done(toState(await allocateBreak(db, viewer, { breakId, policyNumber: field(form, 'policyNumber'), reason: note })));
  return { ok: false, message: 'Choose how this break was resolved.' };
}

export async function decideWriteOffAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const decision = field(form, 'decision');
  if (decision !== 'approve' && decision !== 'reject') return { ok: false, message: 'Choose approve or reject.' };
  return done(toState(await decideWriteOff(await getDb(), viewer, { breakId: field(form, 'breakId'), note: field(form, 'note'), approve: decision === 'approve' })));
}

export async function closeDayAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await closeDay(await getDb(), viewer, { day: field(form, 'day'), channel: field(form, 'channel') })));
}

export async function injectBreakAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const channel = field(form, 'channel') === 'card' ? 'card' : 'mpesa';
  const amount = field(form, 'amount').trim();
  const amountMinor = amount ? parseKesInput(amount.slice(0, 32)) : undefined;
  if (amountMinor === null) return { ok: false, message: 'Enter the amount in shillings, for example 1500.' };
  const r = await injectBreak(await getDb(), viewer, { channel, day: field(form, 'day'), kind: field(form, 'kind') as InjectionKind, amountMinor, reference: field(form, 'reference'), account: field(form, 'account') });
  return done(toState(r));
}
