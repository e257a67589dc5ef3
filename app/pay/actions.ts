'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { parseKesInput } from '@/lib/money';
import { initiateMpesaPayment } from '@/lib/payments/initiate-mpesa';
import { mpesaGateway } from '@/lib/payments/mpesa-gateway';

export type PayState = { error?: string; fieldErrors?: Partial<Record<'amount' | 'phone' | 'terms', string>> };

const schema = z.object({
  policyId: z.string().uuid(),
  method: z.enum(['mpesa', 'card']),
  amount: z.string().max(32),
  phone: z.string().max(32).default(''),
  terms: z.literal('on', { error: 'Please accept the terms to continue.' }).optional(),
});

export async function startPaymentAction(_prev: PayState, formData: FormData): Promise<PayState> {
  const viewer = await currentViewer();
  if (!viewer) return { error: 'Your session has ended. Sign in again to pay.' };
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Something in the form was not right. Please check it and try again.' };
  const input = parsed.data;
  const fieldErrors: PayState['fieldErrors'] = {};
  const amountMinor = parseKesInput(input.amount);
  if (amountMinor === null || amountMinor < 100) fieldErrors.amount = 'Enter an amount in shillings, for example 1500.';
  if (input.terms !== 'on') fieldErrors.terms = 'Please accept the terms to continue.';
  if (input.method === 'mpesa' && !input.phone.trim()) fieldErrors.phone = 'Enter the M-Pesa number to send the prompt to.';
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  if (input.method === 'card') return { error: 'Card payments are coming soon. Please pay by M-Pesa for now.' };

  const db = await getDb();
  const result = await initiateMpesaPayment(db, mpesaGateway(db), viewer, {
    policyId: input.policyId,
    amountMinor: amountMinor!,
    phone: input.phone,
  });
  if (!result.ok) {
    if (result.code === 'invalid' && /number|phone/i.test(result.error)) return { fieldErrors: { phone: result.error } };
    if (result.code === 'invalid' && /amount|pay at most|shilling|owed/i.test(result.error)) return { fieldErrors: { amount: result.error } };
    return { error: result.error };
  }
  redirect(`/pay/mpesa/${result.payment.id}`);
}
