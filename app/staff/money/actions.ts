'use server';
// Manual allocations and credit pay-outs. Roles and four eyes are checked in lib/movements.
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { parseKesInput } from '@/lib/money';
import { approveMovement, findPolicyByNumber, raiseMovement, recordCreditPayout, rejectMovement } from '@/lib/movements/movements';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';

const field = (form: FormData, name: string) => String(form.get(name) ?? '').slice(0, 1000);

function done(state: ActionState): ActionState {
  revalidatePath('/staff/money');
  return state;
}

export async function raiseMovementAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const db = await getDb();
  const amountMinor = parseKesInput(field(form, 'amount').slice(0, 32));
  if (amountMinor === null || amountMinor <= 0) return { ok: false, message: 'Enter an amount in shillings, for example 1500.' };
  const policy = await findPolicyByNumber(db, viewer, field(form, 'policyNumber').slice(0, 40)).catch(() => null);
  if (!policy) return { ok: false, message: 'No policy has that number. Nothing was changed.' };
  const kind = field(form, 'kind');
  const base = { policyId: policy.id, amountMinor, reason: field(form, 'reason') };
  const r =
    kind === 'allocation'
      ? await raiseMovement(db, viewer, { kind, ...base, mpesaCode: field(form, 'mpesaCode') })
      : kind === 'credit_payout'
        ? await raiseMovement(db, viewer, { kind, ...base })
        : null;
  if (!r) return { ok: false, message: 'Choose what to raise: an allocation or a credit pay-out.' };
  return done(toState(r));
}

export async function decideMovementAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const input = { movementId: field(form, 'movementId'), note: field(form, 'note') };
  const decision = field(form, 'decision');
  if (decision === 'approve') return done(toState(await approveMovement(await getDb(), viewer, input)));
  if (decision === 'reject') return done(toState(await rejectMovement(await getDb(), viewer, input)));
  return { ok: false, message: 'Choose approve or reject.' };
}

export async function recordPayoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await recordCreditPayout(await getDb(), viewer, { movementId: field(form, 'movementId'), mpesaCode: field(form, 'mpesaCode') })));
}
