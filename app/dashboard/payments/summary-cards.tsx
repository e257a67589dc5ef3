import { formatKes } from '@/lib/money';
import type { HistorySummary } from '@/lib/history/list';

/** Totals for everything the current filters match, not just the page on screen. */
export function SummaryCards({ s }: { s: HistorySummary }) {
  return (
    <section aria-label="Summary of these payments" className="grid grid-cols-2 gap-2">
      <Card testId="summary-total" label="All payments" count={s.count} amount={formatKes(s.amountMinor)} />
      {/* Money kept: a refund takes its amount out of "Paid". */}
      <Card
        testId="summary-completed"
        label="Paid"
        count={s.completedCount}
        amount={formatKes(s.keptMinor)}
        note={s.refundedMinor > 0 ? `after ${formatKes(s.refundedMinor)} refunded` : undefined}
        tone="text-brand-800"
      />
      <Card testId="summary-pending" label="Pending" count={s.pendingCount} note="Waiting for M-Pesa or the bank" />
      <Card testId="summary-failed" label="Not paid" count={s.failedCount} note="Failed, cancelled or expired" />
    </section>
  );
}

type CardProps = { testId: string; label: string; count: number; amount?: string; note?: string; tone?: string };

function Card({ testId, label, count, amount, note, tone = 'text-slate-900' }: CardProps) {
  return (
    <div className="rounded-2xl border border-slate-200 bg-white px-3 py-2.5 shadow-sm" data-testid={testId}>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</p>
      <p className={`text-xl font-bold ${tone}`} data-testid={`${testId}-count`}>{count}</p>
      {amount && <p className="text-sm font-semibold text-slate-700" data-testid={`${testId}-amount`}>{amount}</p>}
      {note && <p className="text-xs text-slate-600" data-testid={`${testId}-note`}>{note}</p>}
    </div>
  );
}
