// CSV of every transaction matching the staff filters, streamed in keyset batches: memory stays
// flat and the first bytes leave at once, however many rows there are. Staff only; audited.
import { nairobiCompactDate } from '@/lib/nairobi-time';
import { getDb } from '@/db/client';
import { csvDownload } from '@/lib/csv';
import { recordAudit } from '@/lib/audit';
import { transactionsCsvStream } from '@/lib/staff/csv-export';
import { filtersToQuery, parseTransactionFilters } from '@/lib/staff/filters';
import { requireStaffForRoute } from '@/lib/staff/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: Request) {
  const { viewer, denied } = await requireStaffForRoute('payments.view');
  if (denied) return denied;
  const { cursor: _ignored, ...filters } = parseTransactionFilters(new URL(req.url).searchParams);
  const db = await getDb();
  await recordAudit(db, { actorId: viewer.userId, action: 'transactions.export', targetType: 'transactions', detail: { filters: filtersToQuery(filters) } });
  return csvDownload(transactionsCsvStream(db, viewer, filters), `malipo-transactions-${nairobiCompactDate(new Date(), true)}.csv`);
}
