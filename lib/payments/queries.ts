// Reading payments. A policyholder only ever gets their own rows: the filter is in the query.
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { payments, policies } from '@/db/schema';
import { isUuid } from '@/lib/uuid';
import { isScoped, seesAllPayments, type Viewer } from '@/lib/viewer';

function visibleTo(viewer: Viewer) {
  if (seesAllPayments(viewer)) return undefined;
  const own = eq(payments.userId, viewer.userId);
  // A pay-link / guest session sees only the payments it started, on its one policy.
  if (viewer.scope) return and(own, eq(payments.policyId, viewer.scope.policyId), gte(payments.createdAt, new Date(viewer.scope.since)));
  if (isScoped(viewer)) return sql`false`;
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

/** The viewer's payments still waiting on the gateway, newest first (one policy, or all). */
export async function waitingPayments(db: Queryable, viewer: Viewer, policyId?: string) {
  if (policyId !== undefined && !isUuid(policyId)) return [];
  return db
    .select()
    .from(payments)
    .where(and(eq(payments.userId, viewer.userId), eq(payments.status, 'pending'), policyId ? eq(payments.policyId, policyId) : undefined))
    .orderBy(sql`${payments.createdAt} desc nulls last`)
    .limit(20);
}
