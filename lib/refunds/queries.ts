// Reading refunds. A holder sees only their own (filtered in the query); the staff list checks
// the role itself.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '@/db/client';
import { payments, policies, refunds, users } from '@/db/schema';
import { isUuid } from '@/lib/uuid';
import { assertStaff } from '@/lib/staff/access';
import { isScoped, type Viewer } from '@/lib/viewer';
import { OPEN_OR_DONE, type RefundStatus } from './status';

const refundRow = {
  refund: refunds,
  paymentReference: payments.reference,
  paymentAmountMinor: payments.amountMinor,
  method: payments.method,
  mpesaReceipt: payments.mpesaReceipt,
  cardBrand: payments.cardBrand,
  cardLast4: payments.cardLast4,
  paymentCompletedAt: payments.completedAt,
  policyNumber: policies.number,
  product: policies.product,
};

export async function listHolderRefunds(db: Queryable, viewer: Viewer) {
  return db
    .select(refundRow)
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(and(eq(refunds.userId, viewer.userId), isScoped(viewer) ? sql`false` : undefined))
    .orderBy(desc(refunds.createdAt))
    .limit(100);
}

const alreadyTaken = sql<string>`(select coalesce(sum(r.amount_minor), 0) from refunds r where r.payment_id = ${payments.id} and r.status in (${sql.join(
  OPEN_OR_DONE.map((s) => sql`${s}`),
  sql`, `,
)}))`;

/** The holder's completed payments that still have something to refund, newest first. */
export async function refundablePayments(db: Queryable, viewer: Viewer, paymentId?: string) {
  if (paymentId !== undefined && !isUuid(paymentId)) return [];
  const rows = await db
    .select({ payment: payments, policyNumber: policies.number, product: policies.product, taken: alreadyTaken })
    .from(payments)
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(and(eq(payments.userId, viewer.userId), isScoped(viewer) ? sql`false` : undefined, eq(payments.status, 'completed'), paymentId ? eq(payments.id, paymentId) : undefined))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(50);
  return rows
    .map((r) => ({ ...r, refundableMinor: Math.max(0, r.payment.amountMinor - Number(r.taken)) }))
    .filter((r) => r.refundableMinor > 0);
}

// Who raised, who approved first, who decided: shown on every refund so four eyes can be seen.
const raiser = alias(users, 'raiser');
const firstApprover = alias(users, 'first_approver');
const decider = alias(users, 'decider');

export async function listStaffRefunds(db: Queryable, viewer: Viewer, opts: { status?: RefundStatus[] } = {}) {
  assertStaff(viewer, 'payments.view');
  return db
    .select({
      ...refundRow,
      holderName: users.name,
      holderEmail: users.email,
      holderPhone: users.phone,
      paymentId: payments.id,
      raisedByName: raiser.name,
      raisedByRole: raiser.role,
      firstApproverName: firstApprover.name,
      deciderName: decider.name,
    })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .innerJoin(users, eq(users.id, refunds.userId))
    .leftJoin(raiser, eq(raiser.id, sql`coalesce(${refunds.requestedBy}, ${refunds.userId})`))
    .leftJoin(firstApprover, eq(firstApprover.id, refunds.firstApprovedBy))
    .leftJoin(decider, eq(decider.id, refunds.decidedBy))
    .where(opts.status?.length ? inArray(refunds.status, opts.status) : undefined)
    .orderBy(desc(refunds.createdAt))
    .limit(200);
}

export async function refundsForPayment(db: Queryable, viewer: Viewer, paymentId: string) {
  assertStaff(viewer, 'payments.view');
  return db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(desc(refunds.createdAt));
}
