// Staff set up two-factor sign-in here: scan a QR code with an authenticator app, confirm one code,
// keep the recovery codes. Outside /staff on purpose: staff whom the admin requires to use
// two-factor are sent here before any staff page opens.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requireViewer } from '@/lib/auth/session';
import { pendingEnrolment, twoFactorStatus } from '@/lib/auth/two-factor/enrolment';
import { formatDateTime } from '@/lib/format';
import { isStaff } from '@/lib/viewer';
import { startEnrolmentAction } from './actions';
import { ConfirmCodeForm, ReplaceCodesForm } from './forms';

export const metadata: Metadata = { title: 'Two-factor sign-in' };

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<{ required?: string }> }) {
  const viewer = await requireViewer('/account/two-factor');
  if (!isStaff(viewer)) notFound();
  const db = await getDb();
  const [status, pending, { required }] = await Promise.all([twoFactorStatus(db, viewer), pendingEnrolment(db, viewer), searchParams]);

  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-bold">Two-factor sign-in</h1>
      {required && !status.enabled && (
        <p role="status" className="rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Your administrator requires two-factor sign-in for staff. Set it up to open the staff console.
        </p>
      )}
      {status.enabled ? (
        <div className="card space-y-3">
          <p data-testid="two-factor-status" className="font-semibold text-brand-700">Two-factor sign-in is on.</p>
          <p className="text-sm text-slate-700">
            Turned on {status.enabledAt ? formatDateTime(status.enabledAt) : ''}. Each sign-in asks for the code from your app.
            You have <strong>{status.recoveryCodesLeft}</strong> unused recovery code{status.recoveryCodesLeft === 1 ? '' : 's'}.
          </p>
          <ReplaceCodesForm />
        </div>
      ) : pending ? (
        <div className="card space-y-4">
          <ConfirmCodeForm>
            <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
              <li>Open an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, 1Password…).</li>
              <li>Scan this QR code, or type the key below.</li>
              <li>Enter the 6-digit code the app shows.</li>
            </ol>
            <div
              className="mx-auto w-52 rounded-xl border border-slate-200 bg-white p-2"
              data-testid="totp-qr"
              // Generated on our server from our own secret: an SVG string, no user input in it.
              dangerouslySetInnerHTML={{ __html: pending.qrSvg }}
            />
            <p className="text-center text-sm text-slate-700">
              Key: <code data-testid="totp-secret" className="font-mono">{pending.secret.match(/.{1,4}/g)!.join(' ')}</code>
            </p>
          </ConfirmCodeForm>
        </div>
      ) : (
        <div className="card space-y-3">
          <p className="text-sm text-slate-700">
            Protect your staff account with a code from your phone as well as your password. Someone who learns your password
            still cannot sign in.
          </p>
          <form action={startEnrolmentAction}>
            <button type="submit" className="btn-primary w-full">Set up two-factor sign-in</button>
          </form>
        </div>
      )}
    </div>
  );
}
