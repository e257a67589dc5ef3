// Everything that happened to a payment, oldest first: our state changes, every raw gateway
// message (pretty-printed, exactly what arrived) and staff actions.
import type { TimelineEntry } from '@/lib/staff/payment-detail';
import { AuditDetail } from './audit-detail';
import { formatDateTime } from '@/lib/format';
import { auditActionLabel } from '@/lib/staff/audit-labels';

const DOT: Record<TimelineEntry['kind'], string> = {
  status: 'bg-brand-600',
  gateway: 'bg-sky-600',
  staff: 'bg-orange-500',
  refund: 'bg-violet-500',
};

function title(e: TimelineEntry) {
  if (e.kind === 'status') return e.from ? `Status ${e.from} → ${e.to}` : `Status ${e.to}`;
  if (e.kind === 'gateway') return `${e.source === 'daraja' ? 'M-Pesa (Daraja)' : 'Paystack'}: ${e.event}`;
  if (e.kind === 'refund') return e.title;
  return `Staff: ${auditActionLabel(e.action)} by ${e.actor}`;
}

export function PaymentTimeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="timeline">
      {entries.map((e) => (
        <li key={e.key} className="relative" data-testid={`timeline-${e.kind}`}>
          <span className={`absolute -left-[1.68rem] top-1.5 size-3 rounded-full ring-4 ring-white ${DOT[e.kind]}`} aria-hidden />
          <p className="text-xs text-slate-600">{formatDateTime(e.at, { seconds: true })}</p>
          <p className="font-medium">{title(e)}</p>
          {e.kind === 'status' && <p className="text-sm text-slate-600">{e.reason}</p>}
          {e.kind === 'gateway' && (
            <details className="mt-1">
              <summary className="cursor-pointer text-sm text-slate-600">
                Raw message{e.outcome ? ` · applied as “${e.outcome}”` : ' · not applied'}
              </summary>
              <pre className="mt-2 max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">{e.body}</pre>
            </details>
          )}
          {e.kind === 'staff' && (
            <div className="mt-1 rounded-lg bg-orange-50 px-2 py-1">
              <AuditDetail detail={e.detail} />
            </div>
          )}
          {e.kind === 'refund' && <p className="text-sm text-slate-600">{e.text}</p>}
        </li>
      ))}
    </ol>
  );
}
