import Link from 'next/link';
import { formatDate } from '@/lib/format';
import type { HistoryFilters } from '@/lib/history/filters';
import { METHOD_LABELS, STATUS_FILTER_OPTIONS } from '@/lib/history/labels';

type Props = { filters: HistoryFilters; policies: { id: string; number: string; product: string }[] };

/** A plain GET form: works without JavaScript, and the result is a bookmarkable URL. */
export function FilterForm({ filters: f, policies }: Props) {
  const active = describe(f, policies);
  return (
    <form method="get" action="/dashboard/payments" role="search" className="card space-y-3" aria-label="Search and filter payments">
      <div>
        <label htmlFor="q" className="label">Search by M-Pesa code or reference</label>
        <div className="flex gap-2">
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={f.q ?? ''}
            placeholder="e.g. UKP1ABCDEF, or a receipt number"
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            className="field min-w-0 flex-1"
          />
          <button type="submit" className="btn-primary px-4">Search</button>
        </div>
      </div>
      {/* Closed on arrival, even when filtering: on a phone the payments matter more than the
          form, and the line under "Filters" says what is applied. Native <details>: no JS needed. */}
      <details className="group">
        <summary className="flex min-h-11 cursor-pointer list-none items-center justify-between gap-3 rounded-lg text-sm [&::-webkit-details-marker]:hidden">
          <span className="min-w-0">
            <span className="font-semibold text-brand-700">Filters{active.length ? ` (${active.length})` : ''}</span>
            {active.length > 0 && (
              <span className="block text-slate-600" data-testid="active-filters">
                {active.join(' · ')}
              </span>
            )}
          </span>
          <span aria-hidden className="text-brand-700 transition group-open:rotate-180">▾</span>
        </summary>
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          <Select name="status" label="Status" value={f.status} options={STATUS_FILTER_OPTIONS} />
          <Select
            name="method"
            label="Paid with"
            value={f.method}
            options={[
              { value: 'mpesa', label: 'M-Pesa' },
              { value: 'card', label: 'Card' },
            ]}
          />
          <div className="sm:col-span-2">
            <Select name="policy" label="Policy" value={f.policyId} options={policies.map((p) => ({ value: p.id, label: `${p.product} · ${p.number}` }))} />
          </div>
          <div className="grid grid-cols-2 gap-2 sm:col-span-2">
            <div>
              <label htmlFor="from" className="label">From</label>
              <input id="from" name="from" type="date" defaultValue={f.from ?? ''} className="field px-3" />
            </div>
            <div>
              <label htmlFor="to" className="label">To</label>
              <input id="to" name="to" type="date" defaultValue={f.to ?? ''} className="field px-3" />
            </div>
            <p className="col-span-2 text-xs text-slate-600">Dates are in Nairobi time and include both days.</p>
          </div>
        </div>
        <div className="mt-3 grid grid-cols-2 gap-2">
          <button type="submit" className="btn-primary">Apply</button>
          <Link href="/dashboard/payments" className="btn-secondary">Clear all</Link>
        </div>
      </details>
    </form>
  );
}

type SelectProps = { name: string; label: string; value?: string; options: { value: string; label: string }[] };

function Select({ name, label, value, options }: SelectProps) {
  return (
    <div>
      <label htmlFor={name} className="label">{label}</label>
      <select id={name} name={name} defaultValue={value ?? ''} className="field px-3">
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

/** "Paid · M-Pesa · MLP-AFY-240342 · 1 Nov 2026 – 25 Nov 2026": what is applied, in words. */
function describe(f: HistoryFilters, policies: Props['policies']): string[] {
  const out: string[] = [];
  if (f.status) out.push(STATUS_FILTER_OPTIONS.find((o) => o.value === f.status)!.label);
  if (f.method) out.push(METHOD_LABELS[f.method]);
  if (f.policyId) out.push(policies.find((p) => p.id === f.policyId)?.number ?? 'One policy');
  if (f.from && f.to) out.push(f.from === f.to ? formatDate(f.from) : `${formatDate(f.from)} – ${formatDate(f.to)}`);
  else if (f.from) out.push(`From ${formatDate(f.from)}`);
  else if (f.to) out.push(`Up to ${formatDate(f.to)}`);
  return out;
}
