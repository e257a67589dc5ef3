import type { Metadata } from 'next';
import Link from 'next/link';
import { CodeForm } from '@/components/holder-access/code-form';

export const metadata: Metadata = { title: 'Claim your account' };

export default function ClaimPage() {
  return (
    <div className="mx-auto max-w-sm pt-6">
      <h1 className="mb-1 text-2xl font-bold">Claim your account</h1>
      <p className="mb-6 text-slate-600">
        Your insurer gave us your policies. Tell us one policy number and your phone number (or national ID); we send a code to the
        phone your insurer has on file. After that, all your policies are here.
      </p>
      <div className="card">
        <CodeForm
          purpose="claim"
          submitLabel="Send me a code"
          fields={[
            { name: 'policyNumber', label: 'Policy number', hint: 'As on your policy documents, e.g. MLP-MOT-240117' },
            { name: 'phone', label: 'Phone number', type: 'tel', inputMode: 'tel', autoComplete: 'tel', hint: 'The number your insurer has for you' },
            { name: 'nationalId', label: 'Or your national ID number', hint: 'Instead of the phone number, if you prefer', inputMode: 'numeric' },
          ]}
        />
      </div>
      <p className="mt-4 text-sm">
        Already claimed? <Link href="/login/code" className="font-semibold text-brand-700">Sign in with a code</Link>
      </p>
    </div>
  );
}
