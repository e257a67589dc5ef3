// The payment history: a filtered, newest-first list paged by keyset, and its summary.
// Authorisation is in the WHERE clause: a policyholder only ever reads rows with their user id.
//
// Indexes:
// - policyholder: payments_user_created_idx (user_id, created_at desc, id desc) serves every
//   query; the date range and the cursor become index conditions, other filters a cheap recheck
//   of that holder's few rows.
// - staff (no user filter): status → payments_status_created_idx, method →
//   payments_method_created_idx, policy → payments_policy_idx, otherwise payments_created_idx.
import { and, asc, eq, gte, inArray, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { ledgerEntries, payments, policies, type Payment } from '@/db/schema';
import { refundedMinorSql } from '@/lib/payments/refunded';
import { isScoped, seesAllPayments, type Viewer } from '@/lib/viewer';
import { UNSUCCESSFUL, type HistoryCursor, type HistoryFilters } from './filters';
import { nairobiDayEnd, nairobiDayStart } from '@/lib/nairobi-time';

export const PAGE_SIZE = 20;
const MAX_LIMIT = 500;

export type HistoryRow = Pick<
  Payment,
  | 'id'
  | 'reference'
  | 'policyId'
  | 'method'
  | 'status'
  | 'amountMinor'
  | 'currency'
  | 'mpesaReceipt'
  | 'receiptNo'
  | 'paystackReference'
  | 'cardBrand'
  | 'cardLast4'
  | 'createdAt'
  | 'completedAt'
> & { policyNumber: string; product: string; cursor: HistoryCursor; /** From the ledger's refund lines. */ refundedMinor: number; /** Paybill payments read "M-Pesa Paybill". */ channel?: Payment['channel'] };

export type HistorySummary = {
  count: number;
  amountMinor: number;
  completedCount: number;
  completedMinor: number;
  /** Refunded from the completed payments matched (ledger refund lines). */
  refundedMinor: number;
  /** What the holder paid and kept paid: completed minus refunded. */
  keptMinor: number;
  pendingCount: number;
  /** failed + cancelled + expired */
  failedCount: number;
};

// The indexes are (…, created_at DESC NULLS LAST, id DESC NULLS LAST), but a bare DESC means
// NULLS FIRST, which PostgreSQL does not treat as the same order even for NOT NULL columns: it
// would sort every matching row instead of reading the index in order and stopping at the limit.
const NEWEST_FIRST = [sql`${payments.createdAt} desc nulls last`, sql`${payments.id} desc nulls last`];

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The WHERE clause for a viewer and filters; `cursor` adds the keyset bound. */
function whereFor(viewer: Viewer, f: HistoryFilters, cursor?: HistoryCursor): SQL | undefined {
  const c: (SQL | undefined)[] = [];
  if (!seesAllPayments(viewer)) c.push(eq(payments.userId, viewer.userId));
  // Payment history is holder-wide: a pay-link / guest session has none.
  if (isScoped(viewer)) c.push(sql`false`);
  if (f.status === 'unsuccessful') c.push(inArray(payments.status, [...UNSUCCESSFUL]));
  else if (f.status) c.push(eq(payments.status, f.status));
  if (f.method) c.push(eq(payments.method, f.method));
  if (f.policyId) c.push(eq(payments.policyId, f.policyId));
  if (f.from) c.push(gte(payments.createdAt, nairobiDayStart(f.from)));
  if (f.to) c.push(lt(payments.createdAt, nairobiDayEnd(f.to)));
  if (f.q) {
    // Codes are stored upper-case and q is upper-cased when parsed, so a plain (index-friendly)
    // LIKE is case-insensitive in effect. A prefix pattern also matches the exact code.
    // A receipt number as printed ("MLP-7K3Q9XWD-4HX2QD") is stored on its payment (unique index).
    const prefix = `${escapeLike(f.q)}%`;
    c.push(or(like(payments.reference, prefix), like(payments.mpesaReceipt, prefix), like(payments.paystackReference, prefix), eq(payments.receiptNo, f.q)));
  }
  if (cursor) {
    // Row comparison matches the index order (created_at desc, id desc), so it is an index
    // condition; rows created after the first page was read are newer and never shift a page.
    c.push(sql`(${payments.createdAt}, ${payments.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
  }
  return and(...c);
}

/** One page of the viewer's payments, newest first, and where the next (older) page starts. */
export async function listHistory(
  db: Queryable,
  viewer: Viewer,
  filters: HistoryFilters,
  opts: { limit?: number } = {},
): Promise<{ rows: HistoryRow[]; nextCursor: HistoryCursor | null }> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? PAGE_SIZE), 1), MAX_LIMIT);
  const found = await db
    .select({
      id: payments.id,
      reference: payments.reference,
      policyId: payments.policyId,
      method: payments.method,
      channel: payments.channel,
      status: payments.status,
      amountMinor: payments.amountMinor,
      currency: payments.currency,
      mpesaReceipt: payments.mpesaReceipt,
      receiptNo: payments.receiptNo,
      paystackReference: payments.paystackReference,
      cardBrand: payments.cardBrand,
      cardLast4: payments.cardLast4,
      createdAt: payments.createdAt,
      completedAt: payments.completedAt,
      policyNumber: policies.number,
      product: policies.product,
      refunded: refundedMinorSql,
      // A JS Date keeps milliseconds but PostgreSQL keeps microseconds: the cursor carries the
      // exact value as text, or rows sharing a millisecond could be skipped or repeated.
      cursorAt: sql<string>`to_char(${payments.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(payments)
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(whereFor(viewer, filters, filters.cursor))
    .orderBy(...NEWEST_FIRST)
    .limit(limit + 1);
  const rows = found
    .slice(0, limit)
    .map(({ cursorAt, refunded, ...r }) => ({ ...r, refundedMinor: Number(refunded), cursor: { createdAt: cursorAt, id: r.id } }));
  const nextCursor = found.length > limit ? rows[rows.length - 1].cursor : null;
  return { rows, nextCursor };
}

/** Totals over every row the filters match (all pages; the cursor is ignored). */
export async function historySummary(db: Queryable, viewer: Viewer, filters: HistoryFilters): Promise<HistorySummary> {
  const [r] = await db
    .select({
      count: sql<string>`count(*)`,
      amount: sql<string>`coalesce(sum(${payments.amountMinor}), 0)`,
      completedCount: sql<string>`count(*) filter (where ${payments.status} = 'completed')`,
      completedAmount: sql<string>`coalesce(sum(${payments.amountMinor}) filter (where ${payments.status} = 'completed'), 0)`,
      pendingCount: sql<string>`count(*) filter (where ${payments.status} = 'pending')`,
      failedCount: sql<string>`count(*) filter (where ${payments.status} in ('failed', 'cancelled', 'expired'))`,
    })
    .from(payments)
    .where(whereFor(viewer, { ...filters, cursor: undefined }));
  // Refunds only where some completed payment matched: one more indexed read, not per row.
  const [refunded] =
    Number(r.completedCount) > 0
      ? await db
          .select({ total: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}), 0)` })
          .from(ledgerEntries)
          .innerJoin(payments, eq(payments.id, ledgerEntries.paymentId))
          .where(
            and(
              eq(ledgerEntries.kind, 'refund'),
              eq(ledgerEntries.account, 'holder'),
              eq(payments.status, 'completed'),
              whereFor(viewer, { ...filters, cursor: undefined }),
            ),
          )
      : [{ total: '0' }];
  return {
    count: Number(r.count),
    amountMinor: Number(r.amount),
    completedCount: Number(r.completedCount),
    completedMinor: Number(r.completedAmount),
    refundedMinor: Number(refunded.total),
    keptMinor: Number(r.completedAmount) - Number(refunded.total),
    pendingCount: Number(r.pendingCount),
    failedCount: Number(r.failedCount),
  };
}

/** The policies the viewer holds, for the policy filter (served by policies_holder_idx). */
export async function historyPolicyOptions(db: Queryable, viewer: Viewer) {
  return db
    .select({ id: policies.id, number: policies.number, product: policies.product })
    .from(policies)
    .where(and(eq(policies.holderId, viewer.userId), isScoped(viewer) ? sql`false` : undefined))
    .orderBy(asc(policies.number));
}
