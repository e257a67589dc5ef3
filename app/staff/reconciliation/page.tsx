// Daily cash reconciliation: every day a statement covered, per channel, with its figures and
// breaks; upload the M-Pesa statement, read Paystack's settlements, download the report.
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { ActionForm } from '@/components/staff/action-form';
import { ActionResults } from '@/components/staff/action-results';
import { canDo } from '@/lib/auth/roles';
import { formatDate } from '@/lib/format';
import { formatKes } from '@/lib/money';
import { syncAllocations } from '@/lib/reconciliation/allocations';
import { listReconDays } from '@/lib/reconciliation/resolve';
import { requireStaff } from '@/lib/staff/session';
import { fetchSettlementsAction } from './actions';

export const metadata: Metadata = { title: 'Reconciliation · Staff' };
export const dynamic = 'force-dynamic';

const CHANNEL = { mpesa: 'M-Pesa', card: 'Card' } as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export default async function ReconciliationPage() {
  const viewer = await requireStaff('/staff/reconciliation', 'recon.view');
  const db = await getDb();
  await syncAllocations(db);
  const days = await listReconDays(db, viewer);
  const canUpload = canDo(viewer, 'recon.upload');
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h1 className="text-2xl font-bold">Cash reconciliation</h1>
        <p className="flex flex-wrap gap-3 text-sm font-semibold text-brand-700">
          {canUpload && <Link href="/staff/reconciliation/upload" className="hover:underline">Upload the M-Pesa statement</Link>}
          <a href="/api/v1/staff/reconciliation/report" className="hover:underline" download>Download the report (CSV)</a>
        </p>
      </div>
      <p className="text-sm text-slate-600">
        Each day (Nairobi time) and channel: what the M-Pesa statement and Paystack&apos;s settlements say arrived against what we credited.
        Every difference is a break someone resolves; finance closes the day when none is open, and it is then locked.
      </p>
      {canUpload && (
        <ActionResults>
          <section className="card">
            <ActionForm action={fetchSettlementsAction} submitLabel="Read Paystack settlements now" pendingLabel="Reading…" tone="secondary" testId="fetch-settlements" />
            <p className="mt-2 text-xs text-slate-600">Also runs by itself every morning at 05:00.</p>
          </section>
        </ActionResults>
      )}
      {days.length === 0 ? (
        <p className="card text-slate-600">No statement has been imported yet.</p>
      ) : (
        <ul className="space-y-2" aria-label="Days">
          {days.map((d) => (
            <li key={`${d.day}-${d.channel}`} className="card" data-testid="recon-day">
              <div className="flex flex-wrap items-start justify-between gap-2">
                <div>
                  <Link href={`/staff/reconciliation/${d.day}`} className="font-semibold text-brand-700 hover:underline">
                    {formatDate(d.day)} · {CHANNEL[d.channel]}
                  </Link>
                  <p className="text-sm tabular-nums text-slate-700">
                    Gross {formatKes(d.statement.grossMinor)} · fees {formatKes(d.statement.feesMinor)} · net {formatKes(d.statement.netMinor)}
                  </p>
                  <p className="text-xs text-slate-600">{plural(d.statement.moneyIn, 'payment')} in · {plural(d.statement.lines, 'line')}</p>
                </div>
                <div className="text-right text-sm">
                  {d.status === 'closed' ? (
                    <span className="rounded-full bg-slate-200 px-2 py-0.5 text-slate-800">Closed</span>
                  ) : d.breaks.open > 0 ? (
                    <span className="rounded-full bg-red-100 px-2 py-0.5 text-red-900">{d.breaks.open} open break{d.breaks.open === 1 ? '' : 's'}</span>
                  ) : (
                    <span className="rounded-full bg-brand-100 px-2 py-0.5 text-brand-800">Ready to close</span>
                  )}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
