import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requireHolder } from '@/lib/auth/session';
import { formatDate } from '@/lib/format';
import { historyQueryString } from '@/lib/history/filters';
import { policySchedule } from '@/lib/history/schedule';
import { STANDING_CLASS, standingOf } from '@/lib/book/standing';
import { todayInNairobi } from '@/lib/nairobi-time';
import { formatKes } from '@/lib/money';
import { LedgerList } from './ledger-list';
import { ScheduleList } from './schedule-list';

export const metadata: Metadata = { title: 'Policy schedule' };

export default async function PolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireHolder(`/dashboard/policies/${id}`);
  // Viewer-scoped: another holder's policy is simply not found (no hint that it exists).
  const db = await getDb();
  const found = await policySchedule(db, viewer, id);
  if (!found) notFound();
  const { policy, balanceMinor, schedule, ledger, overdueMinor, next } = found;
  const standing = await standingOf(db, policy, schedule, todayInNairobi());
  // Only the holder can pay (the pay page is holder-only); staff may look.
  const canPay = balanceMinor > 0 && policy.status === 'active' && policy.holderId === viewer.userId;

  return (
    <div className="space-y-4">
      <div>
        <Link href="/dashboard" className="text-sm font-semibold text-brand-700">← Your policies</Link>
        <h1 className="mt-1 text-2xl font-bold">{policy.product}</h1>
        <p className="text-slate-600">
          {policy.number}
          {policy.status !== 'active' && <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold capitalize text-slate-700">{policy.status}</span>}
        </p>
      </div>

      <section className="card space-y-3" aria-label="Balance">
        <dl className="grid grid-cols-2 gap-3 text-sm">
          <div>
            <dt className="text-slate-600">Outstanding balance</dt>
            <dd className="text-xl font-bold" data-testid="policy-balance">{formatKes(balanceMinor)}</dd>
          </div>
          <div>
            <dt className="text-slate-600">{overdueMinor > 0 ? 'Overdue now' : 'Next due'}</dt>
            <dd className={`text-xl font-bold ${overdueMinor > 0 ? 'text-red-700' : ''}`} data-testid="policy-next">
              {overdueMinor > 0 ? formatKes(overdueMinor) : next ? formatKes(next.leftMinor) : '—'}
            </dd>
            {overdueMinor === 0 && next && <dd className="text-slate-600">{formatDate(next.dueDate)}</dd>}
          </div>
        </dl>
        <p className={`rounded-xl px-3 py-2 text-sm ${STANDING_CLASS[standing.tone]}`} data-testid="premium-standing">{standing.text}</p>
        {balanceMinor < 0 && <p className="text-sm text-slate-600">You have {formatKes(-balanceMinor)} in credit on this policy.</p>}
        {canPay && (
          <Link href={`/pay/${policy.id}`} className="btn-primary w-full">
            Pay next installment
          </Link>
        )}
        <Link href={`/dashboard/payments${historyQueryString({ policyId: policy.id })}`} className="btn-secondary w-full">
          Payments for this policy
        </Link>
      </section>

      <section className="card" aria-labelledby="schedule-heading">
        <h2 id="schedule-heading" className="mb-3 font-semibold">Installment schedule</h2>
        <ScheduleList schedule={schedule} />
      </section>

      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading" className="font-semibold">How your balance adds up</h2>
        <p className="mb-3 text-sm text-slate-600">Every charge and payment on this policy, oldest first.</p>
        <LedgerList lines={ledger} />
      </section>
    </div>
  );
}
