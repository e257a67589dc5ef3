// Policies as their holder sees them. A policyholder's queries are always filtered by holder_id
// here, in the data layer; staff may read any policy.
import { todayInNairobi } from '@/lib/nairobi-time';
import { isUuid } from '@/lib/uuid';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { policies } from '@/db/schema';
import { installmentsWithPaid, policyBalance } from '@/lib/payments/core/ledger';
import { isScoped, seesAllPayments, type Viewer } from '@/lib/viewer';

export type PolicySummary = {
  id: string;
  number: string;
  product: string;
  status: string;
  premiumMinor: number;
  balanceMinor: number;
  nextDueDate: string | null;
  nextDueMinor: number;
  overdueMinor: number;
};

function visibleTo(viewer: Viewer) {
  if (seesAllPayments(viewer)) return undefined;
  const own = eq(policies.holderId, viewer.userId);
  // A pay-link / guest session reaches its one policy only.
  if (viewer.scope) return and(own, eq(policies.id, viewer.scope.policyId));
  if (isScoped(viewer)) return sql`false`;
  return own;
}

/** The holder's policies, most overdue first, with balance and next due installment. */
export async function listPolicies(db: Queryable, viewer: Viewer, now = new Date()): Promise<PolicySummary[]> {
  // The policy list is a holder-wide page: a pay-link session has none.
  if (isScoped(viewer)) return [];
  const rows = await db
    .select({
      id: policies.id,
      number: policies.number,
      product: policies.product,
      status: policies.status,
      premiumMinor: policies.premiumMinor,
      balance: sql<string>`(select coalesce(sum(l.amount_minor), 0) from ledger_entries l where l.policy_id = "policies"."id" and l.account = 'holder')`,
    })
    .from(policies)
    .where(visibleTo(viewer))
    .orderBy(asc(policies.number));
  const today = todayInNairobi(now);
  const out: PolicySummary[] = [];
  for (const r of rows) {
    const schedule = await installmentsWithPaid(db, r.id);
    const open = schedule.filter((i) => i.paidMinor < i.amountMinor);
    const next = open[0];
    out.push({
      id: r.id,
      number: r.number,
      product: r.product,
      status: r.status,
      premiumMinor: r.premiumMinor,
      balanceMinor: Number(r.balance),
      nextDueDate: next?.dueDate ?? null,
      nextDueMinor: next ? next.amountMinor - next.paidMinor : 0,
      overdueMinor: open.filter((i) => i.dueDate < today).reduce((s, i) => s + i.amountMinor - i.paidMinor, 0),
    });
  }
  return out.sort((a, b) => Number(b.overdueMinor > 0) - Number(a.overdueMinor > 0) || (a.nextDueDate ?? '9').localeCompare(b.nextDueDate ?? '9'));
}

/** One policy with its schedule, or null when it does not exist or is not the viewer's. */
export async function getPolicy(db: Queryable, viewer: Viewer, policyId: string) {
  if (!isUuid(policyId)) return null;
  const [policy] = await db
    .select()
    .from(policies)
    .where(and(eq(policies.id, policyId), visibleTo(viewer)));
  if (!policy) return null;
  const schedule = await installmentsWithPaid(db, policy.id);
  return { policy, schedule, balanceMinor: await policyBalance(db, policy.id) };
}

