import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requireHolder } from '@/lib/auth/session';
import { formatDate } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { listPolicies } from '@/lib/policies';
import { waitingPayments } from '@/lib/payments/queries';
import { WaitingNotice } from '@/components/payments/waiting-notice';
import { SmsRemindersSetting } from './sms-reminders';

export const metadata: Metadata = { title: 'Your policies' };

export default async function DashboardPage() {
  const viewer = await requireHolder('/dashboard');
  const db = await getDb();
  const [policies, waiting] = await Promise.all([listPolicies(db, viewer), waitingPayments(db, viewer)]);
  const overdue = policies.filter((p) => p.overdueMinor > 0);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Hello, {viewer.name.split(' ')[0]}</h1>
      {overdue.length > 0 && (
        <p className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">
          {overdue.length === 1 ? 'One policy has' : `${overdue.length} policies have`} an overdue installment. Pay now to
          bring it up to date.
        </p>
      )}
      {policies.length === 0 && <p className="card text-slate-600">You have no policies yet.</p>}
      <ul className="space-y-3">
        {policies.map((p) => (
          <li key={p.id} className="card" data-testid="policy-card">
            <div className="flex items-start justify-between gap-3">
              <div>
                <h2 className="font-semibold">{p.product}</h2>
                <p className="text-sm text-slate-600">{p.number}</p>
              </div>
              {p.status !== 'active' ? (
                <span className="rounded-full bg-slate-200 px-2.5 py-0.5 text-xs font-semibold capitalize text-slate-700" data-testid="policy-status">{p.status}</span>
              ) : p.overdueMinor > 0 ? (
                <span className="rounded-full bg-red-100 px-2.5 py-0.5 text-xs font-semibold text-red-800">Overdue</span>
              ) : p.balanceMinor <= 0 ? (
                <span className="rounded-full bg-brand-100 px-2.5 py-0.5 text-xs font-semibold text-brand-800">Paid up</span>
              ) : null}
            </div>
            {waiting
              .filter((w) => w.policyId === p.id)
              .map((w) => (
                <div key={w.id} className="mt-3">
                  <WaitingNotice payment={w} />
                </div>
              ))}
            <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
              <div>
                <dt className="text-slate-600">Outstanding</dt>
                <dd className="font-semibold" data-testid="policy-balance">{formatKes(p.balanceMinor)}</dd>
              </div>
              <div>
                <dt className="text-slate-600">{p.overdueMinor > 0 ? 'Overdue' : 'Next due'}</dt>
                <dd className="font-semibold">
                  {p.overdueMinor > 0
                    ? formatKes(p.overdueMinor)
                    : p.nextDueDate
                      ? `${formatKes(p.nextDueMinor)} · ${formatDate(p.nextDueDate)}`
                      : '—'}
                </dd>
              </div>
            </dl>
            {/* Only an active policy takes payments (cancelled, lapsed and matured ones refuse them). */}
            <div className={`mt-4 grid gap-2 ${p.balanceMinor > 0 && p.status === 'active' ? 'grid-cols-2' : ''}`}>
              {p.balanceMinor > 0 && p.status === 'active' && (
                <Link href={`/pay/${p.id}`} className="btn-primary px-3" aria-label={`Pay ${p.product} ${p.number}`}>
                  Pay now
                </Link>
              )}
              {/* No prefetch: every prefetch is a signed-in request that refreshes the session
                  cookie, and one still in flight when "Sign out" is pressed can sign the holder
                  back in. Schedules are one tap away anyway. */}
              <Link href={`/dashboard/policies/${p.id}`} prefetch={false} className="btn-secondary whitespace-nowrap px-3" aria-label={`View schedule of ${p.product} ${p.number}`}>
                View schedule
              </Link>
            </div>
          </li>
        ))}
      </ul>
      <SmsRemindersSetting userId={viewer.userId} />
    </div>
  );
}
