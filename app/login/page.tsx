import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentViewer } from '@/lib/auth/session';
import { sandboxEnabled } from '@/lib/env';
import { DEMO_USERS } from '@/db/seed';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; passwordSet?: string }> }) {
  const { callbackUrl, passwordSet } = await searchParams;
  if (await currentViewer()) redirect(callbackUrl?.startsWith('/') ? callbackUrl : '/dashboard');
  return (
    <div className="mx-auto max-w-sm pt-6">
      <h1 className="mb-1 text-2xl font-bold">Sign in</h1>
      <p className="mb-6 text-slate-600">Pay premiums, see what is due and download receipts.</p>
      {passwordSet === '1' && (
        <p className="mb-4 rounded-xl bg-brand-50 px-4 py-3 text-sm text-brand-800" data-testid="password-set">
          Your password is saved. Sign in with it now.
        </p>
      )}
      <div className="card">
        <SignInForm callbackUrl={callbackUrl} />
      </div>
      {sandboxEnabled() && (
        <p className="mt-4 text-sm text-slate-600">
          Demo: <code>{DEMO_USERS.holder.email}</code> / <code>{DEMO_USERS.holder.password}</code>
        </p>
      )}
    </div>
  );
}
