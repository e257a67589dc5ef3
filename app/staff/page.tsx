import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { CollectionsChart } from '@/components/staff/collections-chart';
import { formatDate, formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { duration, localPhone } from '@/lib/staff/format';
import { staffOverview } from '@/lib/staff/overview';
import { requireStaff } from '@/lib/staff/session';

export const metadata: Metadata = { title: 'Staff overview' };
export const dynamic = 'force-dynamic';

export default async function StaffOverviewPage() {
  const viewer = await requireStaff('/staff');
  const o = await staffOverview(await getDb(), viewer);
  const periods = [
    ['Today', o.collected.today],
    ['This week', o.collected.week],
    ['This month', o.collected.month],
  ] as const;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4">
        <h1 className="text-2xl font-bold">Overview</h1>
        {/* Collections and queues are live; the 30-day figures, overdue list and commission are a snapshot. */}
        <p className="text-xs text-slate-600" data-testid="overview-as-of">
          30-day figures, overdue and commission as of {formatDateTime(o.asOf)} · refreshed every 30 s
        </p>
      </div>
      <section aria-label="Collected" className="card grid grid-cols-1 divide-y divide-slate-100 p-0 sm:grid-cols-3 sm:divide-x sm:divide-y-0">
        {periods.map(([label, v]) => (
          <div key={label} className="p-4" data-testid={`collected-${label.toLowerCase().replace(' ', '-')}`}>
            <p className="text-sm text-slate-600">Collected {label.toLowerCase()}</p>
            <p className="text-2xl font-bold tabular-nums">{formatKes(v.mpesa + v.card)}</p>
            <p className="text-xs text-slate-600">M-Pesa {formatKes(v.mpesa)} · Card {formatKes(v.card)}</p>
          </div>
        ))}
      </section>

      <section aria-label="Health" className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Success rate (30 days)" value={o.successRate === null ? '—' : `${Math.round(o.successRate * 1000) / 10}%`} hint={`${o.attempts30d.completed} of ${o.attempts30d.finished} finished`} />
        <Stat label="Median time to confirm" value={duration(o.medianConfirmSeconds)} hint="started → confirmed, 30 days" />
        <Stat label="Pending now" value={String(o.queues.pending)} href="/staff/transactions?status=pending" />
        <Stat label="Flagged for review" value={String(o.queues.flagged)} hint={`${o.queues.review} awaiting a decision`} href="/staff/transactions?flagged=1" />
        <Stat label="Expired (30 days)" value={String(o.queues.expired30d)} href="/staff/transactions?status=expired" className="col-span-2 md:col-span-1" />
      </section>

      <section className="card">
        <h2 className="mb-2 font-semibold">Collected per day, last 30 days (Nairobi time)</h2>
        <CollectionsChart data={o.daily} />
      </section>

      <div className="grid gap-4 lg:grid-cols-3">
        <section className="card lg:col-span-2">
          <h2 className="mb-2 font-semibold">Overdue: holders to contact ({o.overdue.length})</h2>
          {o.overdue.length === 0 ? (
            <p className="text-sm text-slate-600">No installment is overdue.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="overdue-list">
              {o.overdue.map((r) => (
                <li key={r.policy_id} className="flex items-start justify-between gap-3 py-2">
                  <div className="min-w-0 flex-1">
                    <p className="font-medium">{r.name}</p>
                    <p className="break-words text-xs text-slate-600">
                      {r.phone && <a className="text-brand-700" href={`tel:+${r.phone}`}>{localPhone(r.phone)}</a>}
                      {r.phone ? ' · ' : ''}
                      <a className="text-brand-700" href={`mailto:${r.email}`}>{r.email}</a>
                    </p>
                    <p className="text-xs text-slate-600">
                      <span className="font-mono">{r.number}</span> · {r.product}
                    </p>
                  </div>
                  <div className="shrink-0 text-right">
                    <p className="font-semibold tabular-nums text-red-800">{formatKes(r.overdue)}</p>
                    <p className="text-xs text-slate-600">since {formatDate(r.oldest_due)}{r.installments > 1 ? ` · ${r.installments} installments` : ''}</p>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card">
          <h2 className="mb-2 font-semibold">Agent commission owed</h2>
          {o.commission.length === 0 ? (
            <p className="text-sm text-slate-600">No commission booked yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="commission-list">
              {o.commission.map((a) => (
                <li key={a.agent_id} className="flex items-start justify-between gap-2 py-2">
                  <div className="min-w-0">
                    <p className="font-medium">{a.name}</p>
                    <p className="truncate text-xs text-slate-600">{a.email}</p>
                  </div>
                  <p className="font-semibold tabular-nums">{formatKes(a.owed)}</p>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

function Stat({ label, value, hint, href, className = '' }: { label: string; value: string; hint?: string; href?: string; className?: string }) {
  const body = (
    <>
      <p className="text-xs text-slate-600">{label}</p>
      <p className="text-xl font-bold tabular-nums">{value}</p>
      {hint && <p className="text-xs text-slate-600">{hint}</p>}
    </>
  );
  return href ? (
    <Link href={href} className={`card block hover:border-brand-600 ${className}`}>{body}</Link>
  ) : (
    <div className={`card ${className}`}>{body}</div>
  );
}
