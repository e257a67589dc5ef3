'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { confirmEnrolment, replaceRecoveryCodes, startEnrolment } from '@/lib/auth/two-factor/enrolment';
import { isStaff } from '@/lib/viewer';

export type TwoFactorState = { error?: string; recoveryCodes?: string[] };

export async function startEnrolmentAction(): Promise<void> {
  const viewer = await currentViewer();
  if (!viewer || !isStaff(viewer)) return;
  await startEnrolment(await getDb(), viewer);
  revalidatePath('/account/two-factor');
}

const codeInput = z.object({ code: z.string().trim().regex(/^\d{3}\s?\d{3}$/, 'Enter the 6-digit code your app shows.') });

export async function confirmEnrolmentAction(_prev: TwoFactorState, formData: FormData): Promise<TwoFactorState> {
  const viewer = await currentViewer();
  if (!viewer || !isStaff(viewer)) return { error: 'Two-factor sign-in is for staff accounts.' };
  const parsed = codeInput.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: parsed.error.issues[0].message };
  const result = await confirmEnrolment(await getDb(), viewer, parsed.data.code);
  return result.ok ? { recoveryCodes: result.recoveryCodes } : { error: result.error };
}

export async function replaceRecoveryCodesAction(_prev: TwoFactorState): Promise<TwoFactorState> {
  const viewer = await currentViewer();
  if (!viewer || !isStaff(viewer)) return { error: 'Two-factor sign-in is for staff accounts.' };
  const codes = await replaceRecoveryCodes(await getDb(), viewer);
  return codes ? { recoveryCodes: codes } : { error: 'Turn on two-factor sign-in first.' };
}
