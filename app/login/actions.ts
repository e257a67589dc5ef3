'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { signIn, signOut, SignInRefused } from '@/lib/auth';
import { ownOrigins } from '@/lib/holder-access/request-context';
import { safeReturnPath } from '@/lib/holder-access/return-path';

export type SignInState = {
  error?: string;
  email?: string;
  /** Set once the password was right on an account with two-factor: the form asks for the code. */
  ticket?: string;
};

const passwordStep = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').email('Enter a valid email address.').max(200),
  password: z.string().min(1, 'Enter your password.').max(200),
  callbackUrl: z.string().max(2000).optional(),
});

const codeStep = z.object({
  email: z.string().trim().email().max(200),
  ticket: z.string().min(1).max(300),
  code: z.string().trim().min(1, 'Enter the 6-digit code from your authenticator app, or a recovery code.').max(40),
  callbackUrl: z.string().max(2000).optional(),
});


const MESSAGES = {
  invalid: 'That email and password do not match an account.',
  code_invalid: 'That code did not work. Enter the newest code from your app, or one of your recovery codes.',
} as const;

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get('email') ?? '');
  const secondStep = formData.has('ticket');
  const parsed = secondStep ? codeStep.safeParse(Object.fromEntries(formData)) : passwordStep.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return { error: parsed.error.issues[0].message, email, ticket: secondStep ? String(formData.get('ticket')) : undefined };
  }
  const { callbackUrl, ...credentials } = parsed.data;
  try {
    // Same-origin paths and URLs only (the gate sends paths); '/' sends each role to its home.
    await signIn('credentials', { ...credentials, redirectTo: safeReturnPath(callbackUrl, await ownOrigins()) });
  } catch (err) {
    if (err instanceof SignInRefused) {
      switch (err.code) {
        case 'blocked':
          return { error: err.detail.message, email };
        case 'code_required':
          return { email, ticket: err.detail.ticket };
        case 'code_invalid':
          return { error: MESSAGES.code_invalid, email, ticket: err.detail.ticket };
        default:
          return { error: MESSAGES.invalid, email };
      }
    }
    if (err instanceof AuthError) return { error: MESSAGES.invalid, email };
    throw err; // the redirect after a successful sign-in
  }
  return {};
}

export async function signOutAction() {
  await signOut({ redirectTo: '/login' });
}
