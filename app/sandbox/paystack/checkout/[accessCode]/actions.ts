'use server';
// The sandbox checkout's buttons (docs/paystack.md §4, §11). Paying redirects to the app's
// callback URL on success; a decline re-renders the form with Paystack's gateway_response so the
// tester can try another card, as the hosted page does.
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { getDb } from '@/db/client';
import { appOrigin, paystackSandboxEnabled } from '@/lib/env';
import { paystackConfigFromEnv } from '@/lib/gateways/paystack/config';
import { cancelCheckout, completeCheckout, testCardByNumber, type CheckoutNeeds } from '@/lib/sandbox/paystack/checkout';

export type CheckoutFormState = {
  /** Increments on every answer, so the form remounts with `values` as its defaults. */
  attempt: number;
  error: string | null;
  /** Extra fields the card asked for so far (PIN, then phone, then OTP). */
  needs: CheckoutNeeds[];
  /** What to prefill: only ever a test card's details, never an arbitrary number. */
  values: { number: string; expiry: string; cvv: string; pin: string; phone: string };
};

const field = z.string().trim().max(40).catch('');
const formSchema = z.object({
  accessCode: z.string().regex(/^[a-z0-9]{1,64}$/),
  number: field,
  expiry: field,
  cvv: field,
  pin: field,
  otp: field,
  phone: field,
});

const checkoutPath = (accessCode: string) => `/sandbox/paystack/checkout/${accessCode}`;

export async function payWithCard(prev: CheckoutFormState, formData: FormData): Promise<CheckoutFormState> {
  if (!paystackSandboxEnabled()) redirect('/');
  const parsed = formSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return { ...prev, attempt: prev.attempt + 1, error: 'That form could not be read. Reload the page and try again.' };
  }
  const input = parsed.data;
  const origin = appOrigin();
  const { secretKey } = paystackConfigFromEnv(process.env, origin);
  const result = await completeCheckout(await getDb(), input.accessCode, input, { secretKey, appOrigin: origin });

  if (result.ok) redirect(result.redirectUrl ?? checkoutPath(input.accessCode));
  if (result.reason === 'paid') redirect(result.redirectUrl ?? checkoutPath(input.accessCode));

  const isTestCard = testCardByNumber(input.number) !== undefined;
  const keepCard = isTestCard && result.reason !== 'declined';
  const needs = result.reason === 'needs' && result.needs && !prev.needs.includes(result.needs) ? [...prev.needs, result.needs] : prev.needs;
  return {
    attempt: prev.attempt + 1,
    error: result.message,
    needs: result.reason === 'declined' ? [] : needs,
    values: keepCard
      ? { number: input.number, expiry: input.expiry, cvv: input.cvv, pin: input.pin, phone: input.phone }
      : { number: '', expiry: '', cvv: '', pin: '', phone: '' },
  };
}

export async function cancelPayment(formData: FormData): Promise<void> {
  if (!paystackSandboxEnabled()) redirect('/');
  const accessCode = z.string().regex(/^[a-z0-9]{1,64}$/).safeParse(formData.get('accessCode'));
  if (!accessCode.success) redirect('/');
  const target = await cancelCheckout(await getDb(), accessCode.data);
  redirect(target ?? `${checkoutPath(accessCode.data)}?cancelled=1`);
}
