import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { requireHolder } from '@/lib/auth/session';
import { hasFilters, historyQueryString, parseHistoryQuery, type HistoryNote } from '@/lib/history/filters';
import { historyPolicyOptions, historySummary, listHistory } from '@/lib/history/list';
import { FilterForm } from './filter-form';
import { PaymentRow } from './payment-row';
import { SummaryCards } from './summary-cards';

export const metadata: Metadata = { title: 'Your payments' };

const NOTE_TEXT: Record<HistoryNote, string> = {
  'search-ignored':
    'Your search was not used: references and receipt numbers have only letters, numbers and dashes. Showing payments without it.',
  'dates-swapped': 'The "from" date was after the "to" date, so we swapped them.',
};

type SearchParams = Record<string, string | string[] | undefined>;

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = await searchParams;
  const filters = parseHistoryQuery(raw);
  const canonical = historyQueryString(filters);
  const viewer = await requireHolder(`/dashboard/payments${canonical}`);
  // The GET form sends every field, empty or not: settle on the clean URL so what is bookmarked
  // or shared says only what is filtered (and a bad value is visibly gone).
  if (canonical !== asQueryString(raw)) redirect(`/dashboard/payments${canonical}`);

  const db = await getDb();
  const [page, summary, policies] = await Promise.all([
    listHistory(db, viewer, filters),
    historySummary(db, viewer, filters),
    historyPolicyOptions(db, viewer),
  ]);
  const filtered = hasFilters(filters);
  const plain = { ...filters, notes: undefined };
  const exportHref = `/api/v1/payments/export${historyQueryString({ ...plain, cursor: undefined })}`;

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Payments</h1>
        {summary.count > 0 && (
          <a href={exportHref} download className="btn-secondary min-h-11 px-3 text-sm">
            Download CSV
          </a>
        )}
      </div>
      {/* Keyed by the filters: inputs use defaultValue, so a client-side navigation (Clear all,
          Back) must remount the form or it would keep showing, and resubmit, the old values. */}
      <FilterForm key={historyQueryString({ ...filters, cursor: undefined })} filters={filters} policies={policies} />
      {filters.notes?.map((n) => (
        <p key={n} role="status" data-testid={`filter-note-${n}`} className="rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950">
          {NOTE_TEXT[n]}
        </p>
      ))}
      <SummaryCards s={summary} />

      {page.rows.length === 0 ? (
        <EmptyState filtered={filtered} paging={!!filters.cursor} />
      ) : (
        <ul className="space-y-2" aria-label="Payments, newest first">
          {page.rows.map((row) => (
            <PaymentRow key={row.id} row={row} />
          ))}
        </ul>
      )}

      {(page.nextCursor || filters.cursor) && (
        <nav aria-label="More payments" className={`grid gap-2 ${filters.cursor && page.nextCursor ? 'grid-cols-2' : ''}`}>
          {filters.cursor && (
            <Link href={`/dashboard/payments${historyQueryString({ ...plain, cursor: undefined })}`} className="btn-secondary">
              Newest payments
            </Link>
          )}
          {page.nextCursor && (
            <Link href={`/dashboard/payments${historyQueryString({ ...plain, cursor: page.nextCursor })}`} className="btn-secondary" rel="next">
              Older payments
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}

function EmptyState({ filtered, paging }: { filtered: boolean; paging: boolean }) {
  const pay = (
    <Link href="/dashboard" className="font-semibold text-brand-700 underline">
      choose a policy to pay
    </Link>
  );
  return (
    <div className="card space-y-2 text-slate-700" data-testid="history-empty">
      {paging ? (
        <p>There are no older payments.</p>
      ) : filtered ? (
        <>
          <p className="font-semibold">No payments match these filters.</p>
          <p>
            Try other dates or{' '}
            <Link href="/dashboard/payments" className="font-semibold text-brand-700 underline">
              clear the filters
            </Link>
            , or {pay}.
          </p>
        </>
      ) : (
        <>
          <p className="font-semibold">You have not made any payments yet.</p>
          <p>To pay a premium by M-Pesa or card, {pay}.</p>
        </>
      )}
    </div>
  );
}

function asQueryString(raw: SearchParams): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) p.append(k, one);
  const s = p.toString();
  return s ? `?${s}` : '';
}
