'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { parseKesInput } from '@/lib/money';
import { initiateCardPayment } from '@/lib/payments/pay-by-card';
import { initiateMpesaPayment } from '@/lib/payments/pay-by-mpesa';
import { getPayment } from '@/lib/payments/queries';
import { mpesaGateway, paystackGateway } from '@/lib/payments/gateways';
import { describeTimeLeft, describeWaitingPayment, waitingClock } from '@/lib/payments/waiting';
import type { Payment } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';

async function holderPhone(userId: string) {
  const [u] = await (await getDb()).select({ phone: users.phone }).from(users).where(eq(users.id, userId));
  return u?.phone ?? null;
}

export type PayField = 'amount' | 'phone' | 'terms';
/**
 * What the form shows after an answer that is not a redirect. `values` is what was sent, so the
 * form can be drawn again as the payer left it: React resets uncontrolled fields after an action,
 * and without JavaScript the page is rendered afresh from this state.
 */
export type PayState = {
  error?: string;
  fieldErrors?: Partial<Record<PayField, string>>;
  values?: Record<string, string>;
  /** Another M-Pesa payment is waiting on this policy: the holder keeps it or starts again. */
  inProgress?: InProgressPayment;
  /** M-Pesa refused the prompt: the form offers paying by Paybill from the SIM menu instead. */
  pushFailed?: boolean;
};
export type InProgressPayment = { paymentId: string; amount: string; phone: string; timeLeft: string; promptLapsed: boolean };

const KEPT = ['method', 'amount', 'phone', 'terms', 'card', 'saveCard'] as const;

const schema = z.object({
  policyId: uuidField(),
  method: z.enum(['mpesa', 'card']),
  amount: z.string().max(32),
  phone: z.string().max(32).default(''),
  terms: z.literal('on').optional(),
  card: z.string().max(64).default('new'), // 'new' or a saved card id
  saveCard: z.literal('on').optional(),
  // "Start again": the waiting payment the holder chose to close for this one.
  replace: uuidField().optional(),
});

// Works with and without JavaScript: the form posts here either way (useActionState in the browser,
// or a plain multipart POST that Next renders the page for), and success redirects (303 without JS).
export async function startPaymentAction(_prev: PayState, formData: FormData): Promise<PayState> {
  const values: Record<string, string> = {};
  for (const k of KEPT) {
    const v = formData.get(k);
    if (typeof v === 'string') values[k] = v.slice(0, 64);
  }
  const state = await startPayment(formData);
  return { ...state, values };
}

async function startPayment(formData: FormData): Promise<PayState> {
  const viewer = await currentViewer();
  if (!viewer) return { error: 'Your session has ended. Sign in again to pay.' };
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Something in the form was not right. Please check it and try again.' };
  const input = parsed.data;
  const fieldErrors: PayState['fieldErrors'] = {};
  const amountMinor = parseKesInput(input.amount);
  if (amountMinor === null || amountMinor < 100) fieldErrors.amount = 'Enter an amount in shillings, for example 1500.';
  if (input.terms !== 'on') fieldErrors.terms = 'Please accept the terms to continue.';
  // A pay-link / guest payer who leaves the number empty pays from the phone on file (never shown to them).
  const phoneOnFile = viewer.role === 'payer' && !input.phone.trim() ? await holderPhone(viewer.userId) : null;
  if (input.method === 'mpesa' && !input.phone.trim() && !phoneOnFile) fieldErrors.phone = 'Enter the M-Pesa number to send the prompt to.';
  if (Object.keys(fieldErrors).length) return { fieldErrors };

  const db = await getDb();
  if (input.method === 'card') {
    const result = await initiateCardPayment(db, paystackGateway(), viewer, {
      policyId: input.policyId,
      amountMinor: amountMinor!,
      saveCard: input.saveCard === 'on' && viewer.role !== 'payer',
      savedCardId: input.card === 'new' || viewer.role === 'payer' ? undefined : input.card,
    });
    if (!result.ok) return result.code === 'invalid' ? { fieldErrors: { amount: result.error } } : { error: result.error };
    redirect(result.next === 'success' ? `/pay/success/${result.payment.id}` : `/pay/card/${result.payment.id}`);
  }

  const result = await initiateMpesaPayment(db, mpesaGateway(db), viewer, {
    policyId: input.policyId,
    amountMinor: amountMinor!,
    phone: phoneOnFile ?? input.phone,
    replacePaymentId: input.replace,
  });
  if (!result.ok) {
    if (result.code === 'in_progress' && result.payment) {
      if (result.payment.status !== 'pending') return { error: result.error };
      return { error: result.error, inProgress: inProgressOf(result.payment) };
    }
    // We cannot tell whether the prompt went out: follow that payment, whose page keeps checking
    // (a late success on it is still credited) and offers to send the prompt again.
    if (result.code === 'gateway' && result.outcomeUnknown && result.payment) redirect(`/pay/mpesa/${result.payment.id}`);
    if (result.code === 'invalid' && /number|phone/i.test(result.error)) return { fieldErrors: { phone: result.error } };
    if (result.code === 'invalid' && /amount|pay at most|shilling|owed/i.test(result.error)) return { fieldErrors: { amount: result.error } };
    return { error: result.error, ...(result.code === 'gateway' ? { pushFailed: true } : {}) };
  }
  redirect(`/pay/mpesa/${result.payment.id}`);
}

function inProgressOf(p: Payment): InProgressPayment {
  const now = Date.now();
  const clock = waitingClock(p, now);
  const promptLapsed = now >= clock.promptEndsAt;
  return {
    paymentId: p.id,
    ...describeWaitingPayment(p),
    promptLapsed,
    timeLeft: describeTimeLeft((promptLapsed ? clock.watchEndsAt : clock.promptEndsAt) - now),
  };
}

const resendSchema = z.object({ paymentId: uuidField() });

/**
 * "Didn't get the prompt? Send it again": a new prompt for the same amount and phone, replacing
 * the waiting payment (closed on our side; a late success on it is still credited).
 */
export async function resendPromptAction(formData: FormData): Promise<void> {
  const viewer = await currentViewer();
  if (!viewer) redirect('/login');
  const parsed = resendSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) redirect('/dashboard');
  const db = await getDb();
  const row = await getPayment(db, viewer, parsed.data.paymentId);
  if (!row || row.payment.method !== 'mpesa' || !row.payment.phone) redirect('/dashboard');
  const old = row.payment;
  const result = await initiateMpesaPayment(db, mpesaGateway(db), viewer, {
    policyId: old.policyId,
    amountMinor: old.amountMinor,
    phone: old.phone!,
    replacePaymentId: old.id,
  });
  if (result.ok) redirect(`/pay/mpesa/${result.payment.id}`);
  // Refused (rate limit, paid meanwhile, gateway): the old page says what happened.
  if (result.payment) redirect(`/pay/mpesa/${result.payment.id}?resend=${encodeURIComponent(result.code)}`);
  redirect(`/pay/mpesa/${old.id}?resend=${encodeURIComponent(result.code)}`);
}
