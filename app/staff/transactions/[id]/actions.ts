'use server';
// Staff actions on one payment. Each checks the role on the server (a policyholder posting here
// gets "Only staff…" and nothing changes); the domain functions check it again and audit.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { gatewayChecks } from '@/lib/payments/gateways';
import { uuidField } from '@/lib/uuid';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { checkWithGateway, clearFlag } from '@/lib/staff/payment-actions';
import { declineReviewProposal, resolveReview } from '@/lib/staff/review-decision';
import { simulateLostCallback } from '@/lib/sandbox/daraja/lost-callback';
import { simulateWrongAmount } from '@/lib/sandbox/daraja/wrong-amount';
import { staffViewerOrNull } from '@/lib/staff/session';
import { parseKesInput } from '@/lib/money';
import { raiseRefundForHolder } from '@/lib/refunds/request';
import { resendReceipt } from '@/lib/staff/resend-receipt';

const paymentId = uuidField('Unknown payment.');
const UNKNOWN: ActionState = { ok: false, message: 'Unknown payment.' };

function done(id: string, state: ActionState): ActionState {
  revalidatePath(`/staff/transactions/${id}`);
  revalidatePath('/staff/transactions');
  return state;
}

export async function checkNowAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const id = paymentId.safeParse(form.get('paymentId'));
  if (!id.success) return UNKNOWN;
  const db = await getDb();
  const r = await checkWithGateway(db, viewer, id.data, gatewayChecks(db));
  return done(id.data, toState(r));
}

export async function resolveReviewAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const decision = form.get('decision');
  if (decision !== 'accept' && decision !== 'reject') return { ok: false, message: 'Choose accept or reject.' };
  const r = await resolveReview(await getDb(), viewer, {
    paymentId: String(form.get('paymentId') ?? ''),
    decision,
    note: String(form.get('note') ?? ''),
    receipt: String(form.get('receipt') ?? ''),
    amountKes: String(form.get('amountKes') ?? ''),
  });
  return done(String(form.get('paymentId')), toState(r));
}

export async function declineReviewAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const r = await declineReviewProposal(await getDb(), viewer, { paymentId: String(form.get('paymentId') ?? ''), note: String(form.get('note') ?? '') });
  return done(String(form.get('paymentId')), toState(r));
}

export async function clearFlagAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const r = await clearFlag(await getDb(), viewer, { paymentId: String(form.get('paymentId') ?? ''), note: String(form.get('note') ?? '') });
  return done(String(form.get('paymentId')), toState(r));
}

export async function loseCallbackAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const id = paymentId.safeParse(form.get('paymentId'));
  if (!id.success) return UNKNOWN;
  const r = await simulateLostCallback(await getDb(), viewer, id.data);
  return done(id.data, toState(r));
}

export async function wrongAmountAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const id = paymentId.safeParse(form.get('paymentId'));
  if (!id.success) return UNKNOWN;
  const r = await simulateWrongAmount(await getDb(), viewer, id.data);
  return done(id.data, toState(r));
}

export async function raiseRefundAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const id = paymentId.safeParse(form.get('paymentId'));
  if (!id.success) return UNKNOWN;
  const amountMinor = parseKesInput(String(form.get('amount') ?? '').slice(0, 32));
  if (amountMinor === null || amountMinor <= 0) return { ok: false, message: 'Enter an amount in shillings, for example 1500.' };
  const r = await raiseRefundForHolder(await getDb(), viewer, { paymentId: id.data, amountMinor, reason: String(form.get('reason') ?? '').slice(0, 2000) });
  revalidatePath('/staff/refunds');
  if (!r.ok) return { ok: false, message: r.error };
  return done(id.data, { ok: true, message: 'Refund raised. A finance member will decide on it under Refunds.' });
}

export async function resendReceiptAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const id = paymentId.safeParse(form.get('paymentId'));
  if (!id.success) return UNKNOWN;
  return done(id.data, toState(await resendReceipt(await getDb(), viewer, id.data)));
}
