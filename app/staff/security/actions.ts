'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import { getDb } from '@/db/client';
import { resetTwoFactor, setStaffTwoFactorRequired } from '@/lib/auth/two-factor/settings';
import { staffViewerOrNull } from '@/lib/staff/session';

export type SecurityState = { error?: string; saved?: boolean };

const input = z.object({ required: z.enum(['on', 'off']) });

export async function setStaffTwoFactorAction(_prev: SecurityState, formData: FormData): Promise<SecurityState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return { error: 'Only an administrator can change this.' };
  const parsed = input.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Choose whether staff must use two-factor sign-in.' };
  const result = await setStaffTwoFactorRequired(await getDb(), viewer, parsed.data.required === 'on');
  if (!result.ok) return { error: result.error };
  revalidatePath('/staff/security');
  return { saved: true };
}

const resetInput = z.object({ userId: uuidField() });

export async function resetTwoFactorAction(_prev: SecurityState, formData: FormData): Promise<SecurityState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return { error: 'Only an administrator can change this.' };
  const parsed = resetInput.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'We could not find that staff member.' };
  const result = await resetTwoFactor(await getDb(), viewer, parsed.data.userId);
  if (!result.ok) return { error: result.error };
  revalidatePath('/staff/security');
  return { saved: true };
}
