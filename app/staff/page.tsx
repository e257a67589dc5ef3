import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { CollectionsChart } from '@/components/staff/collections-chart';
import { ReconChart } from '@/components/staff/recon-chart';
import { reconChartPoints } from '@/lib/reconciliation/report';
import { formatDate, formatDateTime } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { duration, localPhone } from '@/lib/staff/format';
import { staffOverview } from '@/lib/staff/overview';
import { requireStaff } from '@/lib/staff/session';
import { currentAlarm, type SilenceFigures } from '@/lib/alarms/callback-silence';
import { deadJobsForStaff } from '@/lib/staff/dead-jobs';
import { ActionForm } from '@/components/staff/action-form';
import { retryDeadJobAction } from './actions';
import { canDo, ROLE_LABELS } from '@/lib/auth/roles';

export const metadata: Metadata = { title: 'Staff overview' };
export const dynamic = 'force-dynamic';

export default async function StaffOverviewPage() {
  const viewer = await requireStaff('/staff', 'console.view');
  if (!canDo(viewer, 'payments.view')) {
    // Administrators manage the team and read the audit log; they see no holders' money.
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-bold">Overview</h1>
        <div className="card space-y-2">
          <p className="text-sm text-slate-600">
            You are signed in as an administrator. {ROLE_LABELS.admin.explain}
          </p>
          <div className="flex flex-wrap gap-3 text-sm font-semibold text-brand-700">
            {canDo(viewer, 'staff.manage') && <Link href="/staff/team">Manage the team</Link>}
            <Link href="/staff/audit">Read the audit log</Link>
          </div>
        </div>
      </div>
    );
  }
  const db = await getDb();
  const [o, alarm, dead, recon] = await Promise.all([
    staffOverview(db, viewer),
    currentAlarm(db),
    deadJobsForStaff(db, viewer),
    canDo(viewer, 'recon.view') ? reconChartPoints(db) : null,
  ]);
  const silence = alarm?.figures as SilenceFigures | undefined;
  const periods = [
    ['Today', o.collected.today],
    ['This week', o.collected.week],
    ['This month', o.collected.month],
  ] as const;
  return (
    <div className="space-y-4">
      {alarm && silence && (
        <section role="alert" aria-label="Alarm" className="rounded-lg border-2 border-red-700 bg-red-50 p-4 text-red-900" data-testid="callback-silence-alarm">
          <h2 className="font-bold">M-Pesa callbacks are not arriving</h2>
          <ul className="mt-1 list-disc pl-5 text-sm">
            {silence.reasons.map((r) => (
              <li key={r}>{r}.</li>
            ))}
            <li>Last callback: {silence.lastCallbackAt ? formatDateTime(new Date(silence.lastCallbackAt)) : 'none in the last 15 minutes'}.</li>
          </ul>
          <p className="mt-2 text-sm">
            Payments still complete by query, but without M-Pesa receipt numbers. Check the callback URL&apos;s certificate, proxy and
            firewall. Raised {formatDateTime(alarm.raisedAt!)}; it clears by itself when callbacks return.
          </p>
        </section>
      )}
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

      <section aria-label="Health" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat label="Success rate (30 days)" value={o.successRate === null ? '—' : `${Math.round(o.successRate * 1000) / 10}%`} hint={`${o.attempts30d.completed} of ${o.attempts30d.finished} finished`} />
        <Stat label="Median time to confirm" value={duration(o.medianConfirmSeconds)} hint="started → confirmed, 30 days" />
        <Stat label="Pending now" value={String(o.queues.pending)} href="/staff/transactions?status=pending" />
        <Stat label="Flagged for review" value={String(o.queues.flagged)} hint={`${o.queues.review} awaiting a decision`} href="/staff/transactions?flagged=1" />
        <Stat label="Expired (30 days)" value={String(o.queues.expired30d)} href="/staff/transactions?status=expired" />
        <Stat label="Paybill to allocate" value={String(o.queues.paybillWaiting)} hint="unmatched or awaiting approval" href="/staff/unallocated" />
      </section>

      {dead.total > 0 && (
        <section className="card border-red-300" data-testid="dead-jobs">
          <h2 className="mb-1 font-semibold text-red-800">Background jobs that stopped ({dead.total})</h2>
          <p className="mb-2 text-sm text-slate-600">
            Each failed too many times in a row and is no longer retried on its own. Fix the cause, then run it again.
          </p>
          <ul className="divide-y divide-slate-100 text-sm">
            {dead.jobs.map((j) => (
              <li key={j.id} className="flex flex-col gap-2 py-2 sm:flex-row sm:items-start sm:justify-between">
                <div className="min-w-0">
                  <p className="font-medium">
                    <span className="font-mono">{j.kind}</span> #{j.id}
                  </p>
                  <p className="break-words text-xs text-slate-600">{j.lastError || 'No error recorded.'}</p>
                  <p className="text-xs text-slate-500">
                    {j.failures} failures · stopped {formatDateTime(j.deadAt)}
                  </p>
                </div>
                <ActionForm action={retryDeadJobAction} submitLabel="Retry" pendingLabel="Retrying…" tone="secondary" testId={`retry-job-${j.id}`}>
                  <input type="hidden" name="jobId" value={j.id} />
                </ActionForm>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card">
        <h2 className="mb-2 font-semibold">Collected per day, last 30 days (Nairobi time)</h2>
        <CollectionsChart data={o.daily} />
      </section>

      {recon && (
        <section className="card" data-testid="recon-overview">
          <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="font-semibold">Cash reconciliation: net received per day, open breaks</h2>
            <Link href="/staff/reconciliation" className="text-sm font-semibold text-brand-700 hover:underline">
              {recon.reduce((n, p) => n + p.open, 0)} open break(s) →
            </Link>
          </div>
          {recon.length ? <ReconChart data={recon} /> : <p className="text-sm text-slate-600">No statement imported yet.</p>}
        </section>
      )}

      <div className="grid gap-4 lg:grid-cols-3">
        <section className="card lg:col-span-2">
          <h2 className="mb-2 font-semibold">Overdue: holders to contact ({o.overdue.length})</h2>
          {o.overdue.length === 0 ? (
            <p className="text-sm text-slate-600">No installment is overdue.</p>
          ) : (
            <>
              {/* The largest ten first; the rest one tap away, so a phone is not a 200-row scroll. */}
              <ul className="divide-y divide-slate-100 text-sm" data-testid="overdue-list">
                {o.overdue.slice(0, OVERDUE_SHOWN).map((r) => (
                  <OverdueRow key={r.policy_id} r={r} />
                ))}
              </ul>
              {o.overdue.length > OVERDUE_SHOWN && (
                <details className="mt-2 text-sm">
                  <summary className="cursor-pointer font-medium text-brand-700">Show {o.overdue.length - OVERDUE_SHOWN} more</summary>
                  <ul className="divide-y divide-slate-100" data-testid="overdue-list-more">
                    {o.overdue.slice(OVERDUE_SHOWN).map((r) => (
                      <OverdueRow key={r.policy_id} r={r} />
                    ))}
                  </ul>
                </details>
              )}
            </>
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

const OVERDUE_SHOWN = 10;
type OverdueHolder = Awaited<ReturnType<typeof staffOverview>>['overdue'][number];

function OverdueRow({ r }: { r: OverdueHolder }) {
  return (
    <li className="flex items-start justify-between gap-3 py-2">
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
