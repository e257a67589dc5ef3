// The search box and filters: a plain GET form, so every view has a shareable URL.
import { PAYMENT_STATUSES } from '@/lib/payments/core/status';
import { STATUS_LABELS } from '@/lib/history/labels';
import type { TransactionFilters } from '@/lib/staff/filters';

export function TransactionFiltersForm({ filters }: { filters: TransactionFilters }) {
  return (
    <form method="get" action="/staff/transactions" className="card space-y-3" role="search">
      <div>
        <label htmlFor="q" className="label">Search</label>
        <input
          id="q"
          name="q"
          type="search"
          defaultValue={filters.q ?? ''}
          placeholder="Reference, receipt number, M-Pesa code, Paystack reference, phone 07…, email, policy or name"
          className="field"
          autoComplete="off"
        />
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <div>
          <label htmlFor="status" className="label">Status</label>
          <select id="status" name="status" defaultValue={filters.status ?? ''} className="field">
            <option value="">Any</option>
            {PAYMENT_STATUSES.map((s) => (
              <option key={s} value={s}>{STATUS_LABELS[s]}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="method" className="label">Method</label>
          <select id="method" name="method" defaultValue={filters.method ?? ''} className="field">
            <option value="">Any</option>
            <option value="mpesa">M-Pesa</option>
            <option value="card">Card</option>
          </select>
        </div>
        <div>
          <label htmlFor="from" className="label">From (Nairobi date)</label>
          <input id="from" name="from" type="date" defaultValue={filters.from ?? ''} className="field" />
        </div>
        <div>
          <label htmlFor="to" className="label">To (Nairobi date)</label>
          <input id="to" name="to" type="date" defaultValue={filters.to ?? ''} className="field" />
        </div>
        <label className="col-span-2 flex min-h-12 items-center gap-2 self-end rounded-xl border border-slate-300 bg-white px-3 md:col-span-1">
          <input type="checkbox" name="flagged" value="1" defaultChecked={!!filters.flagged} />
          <span className="text-sm font-medium">Flagged for review</span>
        </label>
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary">Search</button>
        <a href="/staff/transactions" className="btn-secondary">Clear</a>
      </div>
    </form>
  );
}
