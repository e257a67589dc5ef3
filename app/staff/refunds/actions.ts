'use server';
// Staff decisions on refunds. The role is checked here on the server and again in lib/refunds.
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { paystackGateway } from '@/lib/payments/gateways';
import { approveRefund, recordMpesaPayout, rejectRefund, resendRefundToPaystack } from '@/lib/refunds/decide';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';

const field = (form: FormData, name: string) => String(form.get(name) ?? '');

function done(state: ActionState): ActionState {
  revalidatePath('/staff/refunds');
  return state;
}

export async function decideRefundAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const input = { refundId: field(form, 'refundId'), note: field(form, 'note') };
  const decision = field(form, 'decision');
  if (decision === 'approve') return done(toState(await approveRefund(await getDb(), viewer, input, { paystack: paystackGateway().paystack })));
  if (decision === 'reject') return done(toState(await rejectRefund(await getDb(), viewer, input)));
  return { ok: false, message: 'Choose approve or reject.' };
}

export async function mpesaPayoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const r = await recordMpesaPayout(await getDb(), viewer, { refundId: field(form, 'refundId'), reference: field(form, 'reference'), note: field(form, 'note') });
  return done(toState(r));
}

export async function resendRefundAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const r = await resendRefundToPaystack(await getDb(), viewer, { refundId: field(form, 'refundId') }, { paystack: paystackGateway().paystack });
  return done(toState(r));
}
