import { formatDateTime } from '@/lib/format';
import { LEDGER_KIND_LABELS } from '@/lib/history/labels';
import type { LedgerLine } from '@/lib/history/schedule';
import { formatKes } from '@/lib/money';

/** Oldest first, so the running balance reads like a bank statement and ends at what is owed. */
export function LedgerList({ lines }: { lines: LedgerLine[] }) {
  if (lines.length === 0) return <p className="text-sm text-slate-600">Nothing has been charged or paid yet.</p>;
  return (
    <ol className="divide-y divide-slate-100" aria-label="Ledger lines, oldest first">
      {lines.map((l) => (
        <li key={l.id} className="py-2.5 first:pt-0 last:pb-0" data-testid="ledger-line" data-kind={l.kind}>
          <div className="flex items-start justify-between gap-3">
            <div className="min-w-0">
              <p className="font-medium">{LEDGER_KIND_LABELS[l.kind]}</p>
              <p className="text-xs text-slate-600">{formatDateTime(l.createdAt)}</p>
              <p className="break-words text-xs text-slate-600">{l.memo}</p>
            </div>
            <div className="shrink-0 text-right tabular-nums">
              {/* Positive adds to what is owed; a payment takes it down. */}
              <p className={`font-semibold ${l.amountMinor < 0 ? 'text-brand-700' : 'text-slate-900'}`}>
                {l.amountMinor < 0 ? `− ${formatKes(-l.amountMinor)}` : `+ ${formatKes(l.amountMinor)}`}
              </p>
              <p className="text-xs text-slate-600">
                Balance <span data-testid="running-balance">{formatKes(l.balanceAfterMinor)}</span>
              </p>
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}
