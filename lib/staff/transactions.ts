// Every transaction of every holder, for staff. Each filter maps onto an index on payments
// ((created_at, id), (status, …), (method, …), (phone, …), the flagged partial index and the
// unique references); holders and policies are looked up first in their own small, indexed tables.
import { and, eq, gte, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { ledgerEntries, payments, policies, users } from '@/db/schema';
import { normalizeKenyanPhone } from '@/lib/phone';
import { isUuid } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { assertStaff } from './access';
import { decodeCursor, encodeCursor, type Cursor, type TransactionFilters } from './filters';
import { nairobiDayEnd, nairobiDayStart } from '@/lib/nairobi-time';

export const transactionColumns = {
  id: payments.id,
  reference: payments.reference,
  createdAt: payments.createdAt,
  createdUs: sql<string>`(extract(epoch from ${payments.createdAt}) * 1000000)::bigint::text`,
  completedAt: payments.completedAt,
  status: payments.status,
  method: payments.method,
  amountMinor: payments.amountMinor,
  currency: payments.currency,
  phone: payments.phone,
  mpesaReceipt: payments.mpesaReceipt,
  receiptNo: payments.receiptNo,
  paystackReference: payments.paystackReference,
  cardBrand: payments.cardBrand,
  cardLast4: payments.cardLast4,
  flagged: payments.flagged,
  flagReason: payments.flagReason,
  failureReason: payments.failureReason,
  holderName: users.name,
  holderEmail: users.email,
  policyNumber: policies.number,
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * What the search box matches, as one OR of indexed equalities (PostgreSQL answers it with a
 * BitmapOr). Holder names are a prefix match (any word) on the small users table: a sequential
 * scan there is acceptable; payments is only ever reached through its user_id index.
 */
async function searchTerm(db: Queryable, raw: string): Promise<SQL> {
  const q = raw.trim();
  const upper = q.toUpperCase();
  const terms: SQL[] = [
    inArray(payments.reference, [...new Set([q, upper])]),
    eq(payments.mpesaReceipt, upper),
    inArray(payments.paystackReference, [...new Set([q, upper])]),
  ];
  if (isUuid(q)) terms.push(eq(payments.id, q.toLowerCase()));
  // The receipt number printed for the holder ("MLP-7K3Q9XWD-4HX2QD"), stored on its payment.
  terms.push(eq(payments.receiptNo, upper));
  const phone = normalizeKenyanPhone(q);
  if (phone.ok) terms.push(eq(payments.phone, phone.msisdn));
  const like = escapeLike(q);
  const holders = await db
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.email, q.toLowerCase()), ...(q.length >= 2 ? [ilike(users.name, `${like}%`), ilike(users.name, `% ${like}%`)] : [])))
    .limit(200);
  if (holders.length) terms.push(inArray(payments.userId, holders.map((h) => h.id)));
  const [policy] = await db.select({ id: policies.id }).from(policies).where(eq(policies.number, upper));
  if (policy) terms.push(eq(payments.policyId, policy.id));
  return or(...terms)!;
}

export async function transactionConditions(db: Queryable, f: TransactionFilters): Promise<SQL[]> {
  const where: SQL[] = [];
  if (f.q) where.push(await searchTerm(db, f.q));
  if (f.status) where.push(eq(payments.status, f.status));
  if (f.method) where.push(eq(payments.method, f.method));
  if (f.flagged) where.push(eq(payments.flagged, true));
  if (f.from) where.push(gte(payments.createdAt, nairobiDayStart(f.from)));
  if (f.to) where.push(lt(payments.createdAt, nairobiDayEnd(f.to)));
  return where;
}

/** Rows strictly after the cursor in (created_at desc, id desc) order: a row comparison the index serves. */
export function afterCursor(c: Cursor): SQL {
  return sql`(${payments.createdAt}, ${payments.id}) < (timestamptz 'epoch' + ${c.createdUs}::bigint * interval '1 microsecond', ${c.id}::uuid)`;
}

export function transactionsQuery(db: Queryable, where: SQL[], cursor: Cursor | null, limit: number) {
  return db
    .select(transactionColumns)
    .from(payments)
    .innerJoin(users, eq(users.id, payments.userId))
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(and(...where, cursor ? afterCursor(cursor) : undefined))
    // NULLS LAST to match how the indexes are built (a bare DESC means NULLS FIRST in PostgreSQL,
    // which no index here can serve, and the planner would sort the whole table instead).
    .orderBy(sql`${payments.createdAt} desc nulls last`, sql`${payments.id} desc nulls last`)
    .limit(limit);
}

export type TransactionRow = Awaited<ReturnType<typeof transactionsQuery>>[number];

export async function searchTransactions(db: Queryable, viewer: Viewer, f: TransactionFilters, pageSize = 50) {
  assertStaff(viewer, 'payments.view');
  const where = await transactionConditions(db, f);
  const rows = await transactionsQuery(db, where, decodeCursor(f.cursor), pageSize + 1);
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  // Refunded totals for this page only (ledger refund lines, one indexed read), so a refunded
  // payment reads "Refunded", not "Paid"; the CSV export does not pay for it per row.
  const refunded = await refundedByPayment(db, page.filter((r) => r.status === 'completed').map((r) => r.id));
  return {
    rows: page.map((r) => ({ ...r, refundedMinor: refunded.get(r.id) ?? 0 })),
    nextCursor: rows.length > pageSize && last ? encodeCursor({ createdUs: last.createdUs, id: last.id }) : null,
  };
}

async function refundedByPayment(db: Queryable, paymentIds: string[]): Promise<Map<string, number>> {
  if (!paymentIds.length) return new Map();
  const rows = await db
    .select({ paymentId: ledgerEntries.paymentId, total: sql<string>`sum(${ledgerEntries.amountMinor})` })
    .from(ledgerEntries)
    .where(and(inArray(ledgerEntries.paymentId, paymentIds), eq(ledgerEntries.kind, 'refund'), eq(ledgerEntries.account, 'holder')))
    .groupBy(ledgerEntries.paymentId);
  return new Map(rows.map((r) => [r.paymentId!, Number(r.total)]));
}
