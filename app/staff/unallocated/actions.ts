'use server';
// Paybill money no policy could be matched to. Roles and four eyes are checked in lib/paybill/allocate.
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { approvePaybillAllocation, attachPaybillToStk, markPaybillForRefund, raisePaybillAllocation, rejectPaybillAllocation } from '@/lib/paybill/allocate';
import { policyIdByNumber } from '@/lib/paybill/queue';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';

const field = (form: FormData, name: string) => String(form.get(name) ?? '').slice(0, 1000);

function done(state: ActionState): ActionState {
  revalidatePath('/staff/unallocated');
  return state;
}

export async function raisePaybillAllocationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const db = await getDb();
  const policyId = await policyIdByNumber(db, viewer, field(form, 'policyNumber').slice(0, 60)).catch(() => null);
  if (!policyId) return { ok: false, message: 'No policy has that number. Search for it above, then try again. Nothing was changed.' };
  return done(toState(await raisePaybillAllocation(db, viewer, { receiptId: field(form, 'receiptId'), policyId, note: field(form, 'note') })));
}

export async function decidePaybillAllocationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const input = { receiptId: field(form, 'receiptId'), note: field(form, 'note') };
  const decision = field(form, 'decision');
  if (decision === 'approve') return done(toState(await approvePaybillAllocation(await getDb(), viewer, input)));
  if (decision === 'reject') return done(toState(await rejectPaybillAllocation(await getDb(), viewer, input)));
  return { ok: false, message: 'Choose approve or reject.' };
}

export async function markPaybillRefundAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await markPaybillForRefund(await getDb(), viewer, { receiptId: field(form, 'receiptId'), note: field(form, 'note') })));
}

export async function attachPaybillToStkAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await attachPaybillToStk(await getDb(), viewer, { receiptId: field(form, 'receiptId'), paymentReference: field(form, 'paymentReference').slice(0, 40), note: field(form, 'note') })));
}
