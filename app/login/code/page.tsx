import type { Metadata } from 'next';
import Link from 'next/link';
import { CodeForm } from '@/components/holder-access/code-form';
import { ownOrigins } from '@/lib/holder-access/request-context';
import { safeReturnPath } from '@/lib/holder-access/return-path';

export const metadata: Metadata = { title: 'Sign in with a code' };

export default async function CodeSignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const back = safeReturnPath((await searchParams).callbackUrl, await ownOrigins());
  return (
    <div className="mx-auto max-w-sm pt-6">
      <h1 className="mb-1 text-2xl font-bold">Sign in with a code</h1>
      <p className="mb-6 text-slate-600">We send a 6-digit code to your phone by SMS, or to your email.</p>
      <div className="card">
        <CodeForm
          purpose="signin"
          submitLabel="Send me a code"
          callbackUrl={back === '/' ? undefined : back}
          fields={[{ name: 'identifier', label: 'Phone number or email', hint: 'For example 0712 345 678', inputMode: 'email', autoComplete: 'username' }]}
        />
      </div>
      <p className="mt-4 text-sm">
        <Link href="/login" className="font-semibold text-brand-700">Sign in with a password instead</Link>
      </p>
    </div>
  );
}
