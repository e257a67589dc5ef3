'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { parseKesInput } from '@/lib/money';
import { requestRefund } from '@/lib/refunds/request';

export type RefundFormState = { error?: string; fieldErrors?: Partial<Record<'amount' | 'reason', string>> };

const form = z.object({ paymentId: z.string().max(64), amount: z.string().max(32), reason: z.string().max(2000) });

export async function requestRefundAction(_prev: RefundFormState, formData: FormData): Promise<RefundFormState> {
  const viewer = await currentViewer();
  if (!viewer) return { error: 'Your session has ended. Sign in again to ask for a refund.' };
  const parsed = form.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Something in the form was not right. Please check it and try again.' };
  const amountMinor = parseKesInput(parsed.data.amount);
  if (amountMinor === null || amountMinor <= 0) return { fieldErrors: { amount: 'Enter an amount in shillings, for example 1500.' } };
  const result = await requestRefund(await getDb(), viewer, { paymentId: parsed.data.paymentId, amountMinor, reason: parsed.data.reason });
  if (!result.ok) return result.field ? { fieldErrors: { [result.field]: result.error } } : { error: result.error };
  redirect(`/dashboard/refunds?requested=${result.refund.id}`);
}
