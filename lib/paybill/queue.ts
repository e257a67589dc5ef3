// What staff see of Paybill money: the open items (unallocated, held for review, waiting for a
// second person) and the last ones decided, plus the policy search they allocate with.
import { desc, eq, ilike, inArray, notInArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '@/db/client';
import { paybillReceipts } from '@/db/paybill-schema';
import { policies, users } from '@/db/schema';
import { assertCan } from '@/lib/auth/roles';
import { normalizeKenyanPhone } from '@/lib/phone';
import type { Viewer } from '@/lib/viewer';
import { OPEN_STATUSES } from './ingest';
import { normaliseRef } from './match';

const raiser = alias(users, 'raiser');
const firstApprover = alias(users, 'first_approver');
const decider = alias(users, 'decider');

function listQuery(db: Queryable) {
  return db
    .select({
      receipt: paybillReceipts,
      allocationNumber: policies.number,
      raisedByName: raiser.name,
      firstApproverName: firstApprover.name,
      deciderName: decider.name,
    })
    .from(paybillReceipts)
    .leftJoin(policies, eq(policies.id, paybillReceipts.allocationPolicyId))
    .leftJoin(raiser, eq(raiser.id, paybillReceipts.raisedBy))
    .leftJoin(firstApprover, eq(firstApprover.id, paybillReceipts.firstApprovedBy))
    .leftJoin(decider, eq(decider.id, paybillReceipts.decidedBy));
}

export async function listPaybillQueue(db: Queryable, viewer: Viewer) {
  assertCan(viewer, 'payments.view');
  const [open, decided] = await Promise.all([
    listQuery(db).where(inArray(paybillReceipts.status, OPEN_STATUSES)).orderBy(desc(paybillReceipts.createdAt)).limit(200),
    listQuery(db)
      .where(notInArray(paybillReceipts.status, [...OPEN_STATUSES, 'credited', 'attached_to_stk']))
      .orderBy(desc(paybillReceipts.updatedAt))
      .limit(20),
  ]);
  return { open, decided };
}
export type PaybillQueueRow = Awaited<ReturnType<typeof listPaybillQueue>>['open'][number];

/** Policies by number (any spelling), holder name or holder phone: what staff allocate to. */
export async function searchPoliciesForAllocation(db: Queryable, viewer: Viewer, q: string) {
  assertCan(viewer, 'payments.view');
  const text = q.trim().slice(0, 80);
  if (text.length < 2) return [];
  const phone = normalizeKenyanPhone(text);
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const ref = normaliseRef(text);
  return db
    .select({ id: policies.id, number: policies.number, product: policies.product, status: policies.status, holderName: users.name, holderPhone: users.phone })
    .from(policies)
    .innerJoin(users, eq(users.id, policies.holderId))
    .where(
      or(
        ilike(policies.number, like),
        ilike(users.name, like),
        ref.length >= 4 ? sql`upper(regexp_replace(${policies.number}, '[^A-Za-z0-9]', '', 'g')) like ${`%${ref}%`}` : undefined,
        phone.ok ? eq(users.phone, phone.msisdn) : undefined,
      ),
    )
    .orderBy(policies.number)
    .limit(10);
}

/** A policy by its number as staff type it (any case, spaces, dashes or slashes). */
export async function policyIdByNumber(db: Queryable, viewer: Viewer, number: string): Promise<string | null> {
  assertCan(viewer, 'payments.view');
  const ref = normaliseRef(number);
  if (!ref) return null;
  const [p] = await db
    .select({ id: policies.id })
    .from(policies)
    .where(sql`upper(regexp_replace(${policies.number}, '[^A-Za-z0-9]', '', 'g')) = ${ref}`)
    .limit(2);
  return p?.id ?? null;
}
