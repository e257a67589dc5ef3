// The history as CSV (RFC 4180). Rows are read page by page with the same keyset query as the
// screen, so an export of any size streams with bounded memory and the same index.
import type { Queryable } from '@/db/client';
import { CSV_BOM, csvLine } from '@/lib/csv';
import { minorToDecimal } from '@/lib/money';
import { cardLabel } from '@/lib/payments/card/card-label';
import type { Viewer } from '@/lib/viewer';
import type { HistoryFilters } from './filters';
import { displayStatusLabel, METHOD_LABELS } from './labels';
import { listHistory, type HistoryRow } from './list';
import { nairobiCompactDate, nairobiMinute } from '@/lib/nairobi-time';

export const CSV_COLUMNS = [
  'Date (EAT)',
  'Reference',
  'Policy number',
  'Product',
  'Method',
  'Status',
  'Amount (KES)',
  'M-Pesa receipt',
  'Paystack reference',
  'Card',
  'Refunded (KES)',
  'Receipt number',
] as const;

const BATCH = 500;

export function historyCsvCells(r: HistoryRow): string[] {
  return [
    nairobiMinute(r.createdAt),
    r.reference,
    r.policyNumber,
    r.product,
    METHOD_LABELS[r.method],
    displayStatusLabel(r),
    minorToDecimal(r.amountMinor),
    r.mpesaReceipt ?? '',
    r.paystackReference ?? '',
    r.method === 'card' && r.cardLast4 ? cardLabel(r.cardBrand, r.cardLast4) : '',
    minorToDecimal(r.refundedMinor),
    // The number printed on the receipt, so a row can be matched to a printed or shared receipt.
    r.receiptNo ?? '',
  ];
}

/** The whole filtered history as CSV text chunks: the header, then one chunk per batch of rows. */
export async function* historyCsv(db: Queryable, viewer: Viewer, filters: HistoryFilters): AsyncGenerator<string> {
  yield CSV_BOM + csvLine(CSV_COLUMNS);
  let cursor = undefined as HistoryFilters['cursor'];
  do {
    const page = await listHistory(db, viewer, { ...filters, cursor }, { limit: BATCH });
    if (page.rows.length) yield page.rows.map((r) => csvLine(historyCsvCells(r))).join('');
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export function historyCsvFilename(now = new Date()): string {
  return `malipo-payments-${nairobiCompactDate(now)}.csv`;
}
