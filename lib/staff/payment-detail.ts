// One payment as staff see it: holder, policy, ledger lines, refunds, and a single timeline of
// its status changes, raw gateway messages and staff actions, oldest first.
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { auditLog, gatewayEvents, paymentStatusChanges, payments, policies, users } from '@/db/schema';
import { formatKes } from '@/lib/money';
import { ledgerForPayments } from '@/lib/payments/core/ledger';
import { isUuid } from '@/lib/uuid';
import { refundsForPayment } from '@/lib/refunds/queries';
import type { Viewer } from '@/lib/viewer';
import { assertStaff } from './access';

export type TimelineEntry =
  | { kind: 'status'; at: Date; key: string; from: string | null; to: string; reason: string }
  | { kind: 'gateway'; at: Date; key: string; source: string; event: string; outcome: string | null; body: string }
  | { kind: 'staff'; at: Date; key: string; action: string; actor: string; detail: unknown }
  | { kind: 'refund'; at: Date; key: string; title: string; text: string };

/** The raw body pretty-printed when it is JSON; otherwise exactly as received. */
export function prettyBody(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

export async function getStaffPayment(db: Queryable, viewer: Viewer, paymentId: string) {
  assertStaff(viewer, 'payments.view');
  if (!isUuid(paymentId)) return null;
  const [row] = await db
    .select({ payment: payments, holder: { id: users.id, name: users.name, email: users.email, phone: users.phone }, policy: policies })
    .from(payments)
    .innerJoin(users, eq(users.id, payments.userId))
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(eq(payments.id, paymentId));
  if (!row) return null;
  const [changes, events, ledger, refunds] = await Promise.all([
    db.select().from(paymentStatusChanges).where(eq(paymentStatusChanges.paymentId, paymentId)).orderBy(asc(paymentStatusChanges.at)),
    db.select().from(gatewayEvents).where(eq(gatewayEvents.paymentId, paymentId)).orderBy(asc(gatewayEvents.receivedAt)),
    ledgerForPayments(db, [paymentId]),
    refundsForPayment(db, viewer, paymentId),
  ]);
  // Staff actions on the payment itself and on its refunds (audit_log_target_idx).
  const refundIds = refunds.map((r) => r.id);
  const actions = await db
    .select({ entry: auditLog, actor: users.name })
    .from(auditLog)
    .innerJoin(users, eq(users.id, auditLog.actorId))
    .where(
      or(
        and(eq(auditLog.targetType, 'payment'), eq(auditLog.targetId, paymentId)),
        refundIds.length ? and(eq(auditLog.targetType, 'refund'), inArray(auditLog.targetId, refundIds)) : undefined,
      ),
    )
    .orderBy(asc(auditLog.at));
  const timeline: TimelineEntry[] = [
    ...changes.map((c) => ({ kind: 'status' as const, at: c.at, key: `s${c.id}`, from: c.fromStatus, to: c.toStatus, reason: c.reason })),
    ...events.map((e) => ({
      kind: 'gateway' as const,
      at: e.receivedAt,
      key: `g${e.id}`,
      source: e.source,
      event: e.kind,
      outcome: e.outcome,
      body: prettyBody(e.raw),
    })),
    ...actions.map((a) => ({ kind: 'staff' as const, at: a.entry.at, key: `a${a.entry.id}`, action: a.entry.action, actor: a.actor, detail: a.entry.detail })),
    ...refunds.flatMap((r) => [
      { kind: 'refund' as const, at: r.createdAt, key: `r${r.id}a`, title: `Holder asked for a refund of ${formatKes(r.amountMinor)}`, text: r.reason },
      ...(r.completedAt
        ? [{ kind: 'refund' as const, at: r.completedAt, key: `r${r.id}b`, title: `Refund ${r.status}`, text: r.failureReason ?? (r.gatewayReference ? `Reference ${r.gatewayReference}` : '') }]
        : []),
    ]),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
  return { ...row, ledger, refunds, timeline };
}
