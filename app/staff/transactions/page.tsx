import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { TransactionFiltersForm } from '@/components/staff/transaction-filters';
import { TransactionsTable } from '@/components/staff/transactions-table';
import { filtersToQuery, parseTransactionFilters } from '@/lib/staff/filters';
import { requireStaff } from '@/lib/staff/session';
import { searchTransactions } from '@/lib/staff/transactions';

export const metadata: Metadata = { title: 'Transactions · Staff' };
export const dynamic = 'force-dynamic';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function StaffTransactionsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireStaff('/staff/transactions', 'payments.view');
  const filters = parseTransactionFilters(await searchParams);
  const { rows, nextCursor } = await searchTransactions(await getDb(), viewer, filters);
  const query = filtersToQuery(filters);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h1 className="text-2xl font-bold">Transactions</h1>
        <a href={`/api/v1/staff/transactions/export${query ? `?${query}` : ''}`} className="btn-secondary" download data-testid="export-csv">
          Export CSV
        </a>
      </div>
      <TransactionFiltersForm filters={filters} />
      {rows.length === 0 ? (
        <p className="card text-slate-600" data-testid="no-transactions">
          No transactions match. Check the spelling, or clear the filters.
        </p>
      ) : (
        <TransactionsTable rows={rows} />
      )}
      <div className="flex items-center justify-between gap-2 text-sm">
        <span className="text-slate-600">
          {rows.length} shown{filters.cursor ? ' (older page)' : ''}, newest first
        </span>
        <span className="flex gap-2">
          {filters.cursor && (
            <Link href={`/staff/transactions${query ? `?${query}` : ''}`} className="btn-secondary">Newest</Link>
          )}
          {nextCursor && (
            <Link href={`/staff/transactions?${filtersToQuery(filters, { cursor: nextCursor })}`} className="btn-secondary" data-testid="next-page">
              Older →
            </Link>
          )}
        </span>
      </div>
    </div>
  );
}
