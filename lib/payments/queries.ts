// Reading payments. A policyholder only ever gets their own rows: the filter is in the query.
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { payments, policies } from '@/db/schema';
import { isUuid } from '@/lib/policies';
import { isStaff, type Viewer } from '@/lib/viewer';

function visibleTo(viewer: Viewer) {
  return isStaff(viewer) ? undefined : eq(payments.userId, viewer.userId);
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
