import type { Metadata } from 'next';
import Link from 'next/link';
import { CodeForm } from '@/components/holder-access/code-form';

export const metadata: Metadata = { title: 'Pay a premium' };

// Guest pay: no account needed. Whatever is entered, the answer is the same; the code goes only to
// the phone the insurer has on file, and opens the pay page of that one policy.
const LINK_NOTICE: Record<string, string> = {
  expired: 'That pay link has expired. You can still pay here with your policy number.',
  invalid: 'That pay link is not valid. You can pay here with your policy number.',
  closed: 'That policy can no longer take payments online. Please contact your insurer.',
};

export default async function GuestPayPage({ searchParams }: { searchParams: Promise<{ link?: string }> }) {
  const notice = LINK_NOTICE[(await searchParams).link ?? ''];
  return (
    <div className="mx-auto max-w-sm pt-6">
      <h1 className="mb-1 text-2xl font-bold">Pay a premium</h1>
      {notice && (
        <p role="status" data-testid="link-notice" className="mb-4 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {notice}
        </p>
      )}
      <p className="mb-6 text-slate-600">Enter your policy number and phone number. We send a code to the phone on file.</p>
      <div className="card">
        <CodeForm
          purpose="guest"
          submitLabel="Send me a code"
          fields={[
            { name: 'policyNumber', label: 'Policy number', hint: 'As on your policy documents or reminder' },
            { name: 'phone', label: 'Phone number', type: 'tel', inputMode: 'tel', autoComplete: 'tel', hint: 'For example 0712 345 678' },
          ]}
        />
      </div>
      <p className="mt-4 text-sm">
        Have an account? <Link href="/login" className="font-semibold text-brand-700">Sign in</Link>
      </p>
    </div>
  );
}
