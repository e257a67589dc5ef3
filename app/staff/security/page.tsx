// Sign-in security for the staff console: each person's own two-factor status, and for
// administrators the switch that makes two-factor compulsory for every staff member.
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { canManageSecurity } from '@/lib/auth/admin';
import { twoFactorStatus } from '@/lib/auth/two-factor/enrolment';
import { staffTwoFactorOverview, staffTwoFactorRequired } from '@/lib/auth/two-factor/settings';
import { formatDateTime } from '@/lib/format';
import { requireStaff } from '@/lib/staff/session';
import { RequireTwoFactorForm, ResetTwoFactorForm } from './require-form';

export const metadata: Metadata = { title: 'Sign-in security' };

export default async function StaffSecurityPage() {
  const viewer = await requireStaff('/staff/security');
  const db = await getDb();
  const admin = canManageSecurity(viewer);
  const [mine, required, staff] = await Promise.all([twoFactorStatus(db, viewer), staffTwoFactorRequired(db), staffTwoFactorOverview(db, viewer)]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Sign-in security</h1>
      <section className="card space-y-2">
        <h2 className="font-semibold">Your two-factor sign-in</h2>
        <p className="text-sm text-slate-700">
          {mine.enabled ? `On. ${mine.recoveryCodesLeft} unused recovery codes left.` : 'Off: your password alone opens your account.'}
        </p>
        <Link href="/account/two-factor" prefetch={false} className="text-sm font-semibold text-brand-700 underline">
          {mine.enabled ? 'Manage two-factor sign-in' : 'Set up two-factor sign-in'}
        </Link>
      </section>
      {admin && (
        <section className="card space-y-3">
          <h2 className="font-semibold">Require two-factor for all staff</h2>
          <RequireTwoFactorForm required={required} />
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-2 font-medium">Staff member</th>
                <th className="py-1 font-medium">Two-factor</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.id} className="border-t border-slate-100">
                  <td className="py-2 pr-2">
                    {s.name} <span className="block text-xs text-slate-500">{s.email} · {s.role}</span>
                  </td>
                  <td className="py-2">
                    {s.enabledAt ? `On since ${formatDateTime(s.enabledAt)}` : 'Not set up'}
                    {s.enabledAt && <ResetTwoFactorForm userId={s.id} name={s.name} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
