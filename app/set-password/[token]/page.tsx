import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { inviteFor } from '@/lib/book/invite';
import { SetPasswordForm } from './set-password-form';

export const metadata: Metadata = { title: 'Set your password', referrer: 'no-referrer' };
export const dynamic = 'force-dynamic';

export default async function SetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await inviteFor(await getDb(), token);
  return (
    <div className="mx-auto max-w-sm pt-6">
      <h1 className="mb-1 text-2xl font-bold">Set your password</h1>
      {invite ? (
        <>
          <p className="mb-6 text-slate-600">For {invite.email}. Then sign in to see your policies and pay premiums.</p>
          <div className="card">
            <SetPasswordForm token={token} />
          </div>
        </>
      ) : (
        <p className="card text-slate-700">This link has expired or was already used. Ask us to send you a new one.</p>
      )}
    </div>
  );
}
