// Where an invitation (or `npm run staff:create`) link lands: choose a password, once.
import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { peekPasswordLink } from '@/lib/auth/password-links';
import { SetPasswordForm } from './set-password-form';

export const dynamic = 'force-dynamic';
// The token is in the URL: never sent on to another site, never indexed.
export const metadata: Metadata = { title: 'Choose your password', robots: { index: false, follow: false }, referrer: 'no-referrer' };

export default async function SetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const who = await peekPasswordLink(await getDb(), token);
  if (!who) {
    return (
      <div className="mx-auto max-w-md card space-y-2" data-testid="link-expired">
        <h1 className="text-xl font-bold">This link no longer works</h1>
        <p className="text-sm text-slate-600">It has expired or was already used. Ask whoever sent it to you for a new one.</p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-md space-y-4">
      <div className="card space-y-1">
        <h1 className="text-xl font-bold">Choose your password</h1>
        <p className="text-sm text-slate-600">
          Hello {who.name}. You will sign in as <strong className="break-all">{who.email}</strong>.
        </p>
      </div>
      <SetPasswordForm token={token} />
    </div>
  );
}
