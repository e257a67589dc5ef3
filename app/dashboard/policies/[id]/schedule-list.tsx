import { formatDate } from '@/lib/format';
import type { InstallmentState, ScheduleLine } from '@/lib/history/schedule';
import { formatKes } from '@/lib/money';
import { todayInNairobi } from '@/lib/nairobi-time';

const STATE: Record<InstallmentState, { label: string; className: string }> = {
  paid: { label: 'Paid', className: 'bg-brand-100 text-brand-800' },
  partly_paid: { label: 'Partly paid', className: 'bg-amber-100 text-amber-900' },
  due: { label: 'Due today', className: 'bg-amber-100 text-amber-900' },
  overdue: { label: 'Overdue', className: 'bg-red-100 text-red-800' },
};

// A future installment is not due yet: "Upcoming", so "Due" never reads as "pay this now".
const UPCOMING = { label: 'Upcoming', className: 'bg-slate-200 text-slate-800' };

export function ScheduleList({ schedule, today = todayInNairobi() }: { schedule: ScheduleLine[]; today?: string }) {
  const badge = (i: ScheduleLine) => (i.state === 'due' && i.dueDate > today ? UPCOMING : STATE[i.state]);
  return (
    <ol className="divide-y divide-slate-100" aria-label="Installments">
      {schedule.map((i) => (
        <li key={i.id} className="py-3 first:pt-0 last:pb-0" data-testid="installment" data-state={i.state}>
          <div className="flex items-start justify-between gap-3">
            <div>
              <p className="font-semibold">
                Installment {i.seq} of {schedule.length}
              </p>
              <p className="text-sm text-slate-700">
                <span data-testid="installment-amount">{formatKes(i.amountMinor)}</span> ·{' '}
                <span className={i.state === 'overdue' ? 'font-semibold text-red-700' : ''}>
                  {i.state === 'paid' ? 'was due' : 'due'} {formatDate(i.dueDate)}
                </span>
              </p>
            </div>
            <span className={`shrink-0 rounded-full px-2.5 py-0.5 text-xs font-semibold ${badge(i).className}`} data-testid="installment-state">
              {badge(i).label}
            </span>
          </div>
          {/* Two columns, not three: "KES 120,000.00" must fit a phone's width without wrapping. */}
          <dl className="mt-2 grid grid-cols-2 gap-2 text-sm">
            <Figure label="Paid so far" value={formatKes(i.paidMinor)} />
            <Figure label="Left to pay" value={formatKes(i.leftMinor)} strong={i.leftMinor > 0} />
          </dl>
        </li>
      ))}
    </ol>
  );
}

function Figure({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className={`whitespace-nowrap tabular-nums ${strong ? 'font-semibold' : ''}`}>{value}</dd>
    </div>
  );
}
