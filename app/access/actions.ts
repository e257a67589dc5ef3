'use server';
// One action for every "we send you a code" form (sign in with a code, claim an account, guest pay):
// the first post asks for a code, the second (with `code`) checks it and signs in.
import { AuthError } from 'next-auth';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { oneTimeCodes } from '@/db/schema';
import { signIn } from '@/lib/auth';
import { codeLimits, requestCode, type CodePurpose } from '@/lib/holder-access/codes';
import { clientAddress, ownOrigins } from '@/lib/holder-access/request-context';
import { safeReturnPath } from '@/lib/holder-access/return-path';
import { hitLimit, minutesText, peekLimit } from '@/lib/rate-limit';

export type CodeFormState = {
  step: 'ask' | 'code';
  challengeId?: string;
  notice?: string;
  error?: string;
  field?: string;
  values?: Record<string, string>;
};

const SENT: Record<CodePurpose, string> = {
  signin: 'If this phone number or email has an account with us, we sent a 6-digit code to it. It works for 5 minutes.',
  claim: 'If these match our records, we sent a 6-digit code to the phone the insurer has on file. It works for 5 minutes.',
  guest: 'If these match our records, we sent a code to the phone on file. It works for 5 minutes.',
};

const KEPT = ['identifier', 'policyNumber', 'phone', 'nationalId'] as const;
const verifySchema = z.object({ challengeId: z.string().uuid(), code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6 digits of the code.') });

export async function codeFormAction(prev: CodeFormState, formData: FormData): Promise<CodeFormState> {
  const purpose = z.enum(['signin', 'claim', 'guest']).catch('signin').parse(formData.get('purpose'));
  const values: Record<string, string> = {};
  for (const k of KEPT) {
    const v = formData.get(k);
    if (typeof v === 'string') values[k] = v.slice(0, 64);
  }
  const db = await getDb();
  const address = await clientAddress();

  if (formData.get('step') !== 'code') {
    const raw: Record<string, unknown> = { purpose };
    for (const [k, v] of Object.entries(values)) if (v.trim()) raw[k] = v;
    const asked = await requestCode(db, raw, { address });
    if (!asked.ok) return { step: 'ask', error: asked.error, field: asked.field, values };
    return { step: 'code', challengeId: asked.challengeId, notice: SENT[purpose], values };
  }

  const parsed = verifySchema.safeParse({ challengeId: formData.get('challengeId'), code: formData.get('code') });
  const keep = { step: 'code' as const, challengeId: String(formData.get('challengeId') ?? ''), values };
  if (!parsed.success) return { ...keep, error: parsed.error.issues[0].message, field: 'code' };
  const tries = codeLimits().wrongCodesPerAddress;
  const blocked = await peekLimit(db, `code-wrong:addr:${address}`, tries);
  if (!blocked.allowed) return { ...keep, error: `Too many wrong codes. Please wait ${minutesText(blocked.retryAfterSeconds)} and try again.` };

  // Where to land: a guest goes to the policy the code was for; others back where they started.
  const [row] = await db.select({ policyId: oneTimeCodes.policyId }).from(oneTimeCodes).where(eq(oneTimeCodes.id, parsed.data.challengeId));
  const redirectTo =
    purpose === 'guest'
      ? `/pay/${row?.policyId ?? ''}`
      : (() => {
          const back = safeReturnPath(String(formData.get('callbackUrl') ?? ''), []);
          return back === '/' ? '/dashboard' : back;
        })();
  try {
    await signIn('otp', { challengeId: parsed.data.challengeId, code: parsed.data.code, redirectTo });
  } catch (err) {
    if (err instanceof AuthError) {
      await hitLimit(db, `code-wrong:addr:${address}`, tries);
      return { ...keep, error: 'That code is not right, or it has expired. Check the latest message, or ask for a new code.', field: 'code' };
    }
    throw err; // the redirect after a successful sign-in
  }
  return prev;
}

