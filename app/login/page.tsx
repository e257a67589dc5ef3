import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentViewer } from '@/lib/auth/session';
import { sandboxEnabled } from '@/lib/env';
import { ownOrigins } from '@/lib/holder-access/request-context';
import { safeReturnPath } from '@/lib/holder-access/return-path';
import { DEMO_USERS } from '@/db/seed';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; passwordSet?: string }> }) {
  const { callbackUrl: raw, passwordSet } = await searchParams;
  // Same-origin only: a full URL from the sign-in gate becomes its path, anything else '/'.
  const back = safeReturnPath(raw, await ownOrigins());
  const callbackUrl = back === '/' ? undefined : back;
  const viewer = await currentViewer();
  // Already signed in: back where they were going, except a console this role cannot open (a loop).
  const staffOnly = callbackUrl?.startsWith('/staff') && viewer?.role === 'policyholder';
  if (viewer && viewer.role !== 'payer') redirect(callbackUrl && !staffOnly ? callbackUrl : '/dashboard');
  const codeHref = callbackUrl ? `/login/code?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/login/code';
  return (
    <div className="mx-auto max-w-sm pt-6">
      <h1 className="mb-1 text-2xl font-bold">Sign in</h1>
      <p className="mb-6 text-slate-600">Pay premiums, see what is due and download receipts.</p>
      {passwordSet === '1' && (
        <p className="mb-4 rounded-xl bg-brand-50 px-4 py-3 text-sm text-brand-800" data-testid="password-set">
          Your password is saved. Sign in with it now.
        </p>
      )}
      <Link href={codeHref} className="btn-primary mb-4 w-full" data-testid="sign-in-with-code">
        Get a code by SMS or email
      </Link>
      <div className="card">
        <p className="mb-3 text-sm text-slate-600">Or use the password you set:</p>
        <SignInForm callbackUrl={callbackUrl} />
      </div>
      <ul className="mt-4 space-y-2 text-sm">
        <li>
          New here, with a policy from your insurer? <Link href="/claim" className="font-semibold text-brand-700">Claim your account</Link>
        </li>
        <li>
          Just paying a premium? <Link href="/pay" className="font-semibold text-brand-700">Pay with your policy number</Link>
        </li>
      </ul>
      {sandboxEnabled() && (
        <p className="mt-4 text-sm text-slate-600">
          Demo: <code>{DEMO_USERS.holder.email}</code> / <code>{DEMO_USERS.holder.password}</code>. Codes sent by SMS appear in the{' '}
          <Link href="/sandbox/outbox" className="underline">sandbox outbox</Link>.
        </p>
      )}
    </div>
  );
}
