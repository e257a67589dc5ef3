// Streaming CSV of transactions. Rows are read in keyset batches (the same indexed query as the
// list page) and handed on only when the reader asks for more, so memory stays flat whether the
// export is ten rows or a million, and a client that goes away stops the reading.
import { nairobiIso } from '@/lib/nairobi-time';
import type { Queryable } from '@/db/client';
import { CSV_BOM, csvLine, csvStream } from '@/lib/csv';
import { minorToDecimal } from '@/lib/money';
import type { Viewer } from '@/lib/viewer';
import { assertStaff } from './access';
import type { Cursor, TransactionFilters } from './filters';
import { transactionConditions, transactionsQuery, type TransactionRow } from './transactions';

export const CSV_COLUMNS = [
  'created_at',
  'completed_at',
  'reference',
  'status',
  'method',
  'amount_kes',
  'currency',
  'holder_name',
  'holder_email',
  'policy_number',
  'phone',
  'mpesa_receipt',
  'paystack_reference',
  'card',
  'flagged',
  'flag_reason',
  'failure_reason',
  'receipt_no',
] as const;

/** ISO 8601 in Nairobi time, e.g. 2026-11-25T15:04:05+03:00 (empty when there is none). */
const isoCell = (d: Date | null) => (d ? nairobiIso(d) : '');

export function transactionCsvLine(r: TransactionRow): string {
  return csvLine([
      isoCell(r.createdAt),
      isoCell(r.completedAt),
      r.reference,
      r.status,
      r.method,
      minorToDecimal(r.amountMinor),
      r.currency,
      r.holderName,
      r.holderEmail,
      r.policyNumber,
      r.phone,
      r.mpesaReceipt,
      r.paystackReference,
      r.cardLast4 ? `${r.cardBrand ?? 'card'} ${r.cardLast4}` : null,
      r.flagged ? 'yes' : 'no',
      r.flagReason,
      r.failureReason,
      // The number on the holder's receipt, so a printed receipt can be found in the export.
      r.receiptNo,
  ]);
}

/** The export as text chunks: the header, then one chunk per batch of rows. */
export async function* transactionsCsv(db: Queryable, viewer: Viewer, f: TransactionFilters, batchSize = 1000): AsyncGenerator<string> {
  assertStaff(viewer, 'payments.view');
  const where = await transactionConditions(db, f);
  // A BOM so spreadsheet programs read names with accents as UTF-8.
  yield CSV_BOM + csvLine(CSV_COLUMNS);
  let cursor: Cursor | null = null;
  for (;;) {
    const rows = await transactionsQuery(db, where, cursor, batchSize);
    if (rows.length === 0) return;
    let chunk = '';
    for (const r of rows) chunk += transactionCsvLine(r);
    yield chunk;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    cursor = { createdUs: last.createdUs, id: last.id };
  }
}

/** The same export as a byte stream with back-pressure: a batch is read only when the reader pulls. */
export function transactionsCsvStream(db: Queryable, viewer: Viewer, f: TransactionFilters, batchSize?: number): ReadableStream<Uint8Array> {
  assertStaff(viewer, 'payments.view');
  return csvStream(transactionsCsv(db, viewer, f, batchSize));
}
