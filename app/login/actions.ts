'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { signIn, signOut } from '@/lib/auth';
import { signInBlocked } from '@/lib/auth/signin-guard';
import { ownOrigins } from '@/lib/holder-access/request-context';
import { safeReturnPath } from '@/lib/holder-access/return-path';

export type SignInState = { error?: string; email?: string };

const schema = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
  callbackUrl: z.string().optional(),
});


export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = schema.safeParse(Object.fromEntries(formData));
  const email = String(formData.get('email') ?? '');
  if (!parsed.success) return { error: parsed.error.issues[0].message, email };
  const blocked = await signInBlocked(await getDb(), parsed.data.email);
  if (blocked) return { error: blocked, email };
  try {
    await signIn('credentials', {
      email: parsed.data.email,
      password: parsed.data.password,
      // Same-origin paths and URLs only (the gate sends full URLs); '/' sends each role to its home.
      redirectTo: safeReturnPath(parsed.data.callbackUrl, await ownOrigins()),
    });
  } catch (err) {
    if (err instanceof AuthError) {
      const nowBlocked = await signInBlocked(await getDb(), parsed.data.email);
      return { error: nowBlocked ?? 'That email and password do not match an account.', email };
    }
    throw err; // the redirect after a successful sign-in
  }
  return {};
}

export async function signOutAction() {
  await signOut({ redirectTo: '/login' });
}
