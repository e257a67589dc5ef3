'use server';
// The simulated phone's buttons. Plain form posts work without JavaScript: the result travels
// back in the redirect's query string and the page reads it into its aria-live region.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';

import { getDb } from '@/db/client';
import { darajaSandboxEnabled } from '@/lib/env';
import { PROMPT_ACTIONS, respondToPrompt } from '@/lib/sandbox/daraja/phone';

const answerSchema = z.object({
  promptId: uuidField(),
  action: z.enum(PROMPT_ACTIONS),
  checkoutRequestId: z.string().trim().max(64).optional().default(''),
  // The phone filter to return to; only digits and '+' ever reach the URL.
  phone: z.string().trim().max(20).regex(/^\+?\d*$/).optional().catch(''),
});

export async function answerPrompt(formData: FormData): Promise<void> {
  if (!darajaSandboxEnabled()) redirect('/');
  const parsed = answerSchema.safeParse({
    promptId: formData.get('promptId'),
    action: formData.get('action'),
    checkoutRequestId: formData.get('checkoutRequestId') ?? undefined,
    phone: formData.get('phone') ?? undefined,
  });

  const params = new URLSearchParams();
  if (!parsed.success) {
    params.set('error', 'That answer could not be read. Reload the page and try again.');
  } else {
    if (parsed.data.phone) params.set('phone', parsed.data.phone);
    const result = await respondToPrompt(await getDb(), parsed.data.promptId, parsed.data.action);
    params.set('answered', parsed.data.checkoutRequestId);
    params.set('choice', parsed.data.action);
    if (result.status !== undefined) params.set('status', String(result.status));
    if (result.error) params.set('error', result.error);
  }
  revalidatePath('/sandbox/phone');
  redirect(`/sandbox/phone?${params.toString()}`);
}

/**
 * "Pay by Paybill" from the SIM menu: the emulator sends validation, then confirmation, to the URLs
 * registered for the sandbox Paybill (registering ours first if nothing is registered yet).
 */
export async function payByPaybillAction(formData: FormData): Promise<void> {
  if (!darajaSandboxEnabled()) redirect('/');
  const db = await getDb();
  const { c2bRegistration, payByPaybill } = await import('@/lib/sandbox/daraja/c2b');
  const params = new URLSearchParams();
  if (!(await c2bRegistration(db))) {
    const { registerC2bUrls } = await import('@/lib/paybill/register');
    const registered = await registerC2bUrls(db);
    if (!registered.ok) params.set('pberror', registered.message);
  }
  if (!params.has('pberror')) {
    const text = (name: string) => String(formData.get(name) ?? '').slice(0, 100);
    const result = await payByPaybill(db, {
      account: text('account'),
      amountKes: text('amount'),
      payerName: text('payerName'),
      phone: text('payerPhone') || undefined,
      msisdnFormat: text('msisdnFormat') === 'hashed' ? 'hashed' : 'masked',
    });
    if (result.ok) {
      params.set('paybill', result.transId);
      params.set('pbdetail', `KES ${Number(text('amount'))} for account ${text('account').trim()}`.slice(0, 80));
    }
    else params.set('pberror', result.error);
  }
  revalidatePath('/sandbox/phone');
  redirect(`/sandbox/phone?${params.toString()}#paybill`);
}
