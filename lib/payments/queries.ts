// Reading payments. A policyholder only ever gets their own rows: the filter is in the query.
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { payments, policies } from '@/db/schema';
import { isUuid } from '@/lib/policies';
import { isStaff, type Viewer } from '@/lib/viewer';

function visibleTo(viewer: Viewer) {
  if (isStaff(viewer)) return undefined;
  const own = eq(payments.userId, viewer.userId);
  // A pay-link / guest session sees only the payments it started, on its one policy.
  if (viewer.scope) return and(own, eq(payments.policyId, viewer.scope.policyId), gte(payments.createdAt, new Date(viewer.scope.since)));
  if (viewer.role === 'payer') return sql`false`;
  return own;
}

export async function getPayment(db: Queryable, viewer: Viewer, paymentId: string) {
  if (!isUuid(paymentId)) return null;
  const [row] = await db
    .select({ payment: payments, policyNumber: policies.number, product: policies.product })
    .from(payments)
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(and(eq(payments.id, paymentId), visibleTo(viewer)));
  return row ?? null;
}

export async function listPayments(db: Queryable, viewer: Viewer, limit = 50) {
  return db
    .select({ payment: payments, policyNumber: policies.number, product: policies.product })
    .from(payments)
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(visibleTo(viewer))
    .orderBy(sql`${payments.createdAt} desc nulls last`, sql`${payments.id} desc nulls last`) // matches payments_user_created_idx
    .limit(limit);
}
