// The staff audit trail. Written inside the same transaction as the change it describes, so an
// action and its record commit (or roll back) together; audit_log is never updated or deleted.
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { auditLog, users } from '@/db/schema';
import { assertStaff } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';
import { nairobiDayEnd, nairobiDayStart } from '@/lib/nairobi-time';

export type AuditEntry = {
  actorId: string;
  /** Dotted verb, e.g. 'payment.resolve', 'refund.approve', 'transactions.export'. */
  action: string;
  targetType: 'payment' | 'refund' | 'transactions' | string;
  targetId?: string | null;
  detail?: Record<string, unknown>;
};

export async function recordAudit(tx: Queryable, entry: AuditEntry) {
  const [row] = await tx
    .insert(auditLog)
    .values({
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      detail: entry.detail ?? {},
    })
    .returning({ id: auditLog.id });
  return row.id;
}

export type AuditFilters = {
  /** The staff member who acted. */
  actorId?: string;
  /** One action code, e.g. 'refund.approve'. */
  action?: string;
  /** Nairobi calendar days, inclusive. */
  from?: string;
  to?: string;
};

// The payment a record is about, by its reference (what staff search and talk about), for
// payment records directly and for refunds through their payment. Evaluated per returned row only.
const targetReference = sql<string | null>`case
  when ${auditLog.targetType} = 'payment' then (select p.reference from payments p where p.id::text = ${auditLog.targetId})
  when ${auditLog.targetType} = 'refund' then (select p.reference from refunds r join payments p on p.id = r.payment_id where r.id::text = ${auditLog.targetId})
  when ${auditLog.targetType} = 'paybill' then (select 'M-Pesa ' || b.trans_id from paybill_receipts b where b.id::text = ${auditLog.targetId})
end`;

/** Newest first, keyset by id (the primary key index); `before` is the last id of the previous page. */
export async function listAudit(
  db: Queryable,
  viewer: Viewer,
  opts: { before?: number; limit?: number } & AuditFilters = {},
) {
  assertStaff(viewer, 'audit.view');
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const rows = await db
    .select({ entry: auditLog, actorName: users.name, actorEmail: users.email, targetReference })
    .from(auditLog)
    .innerJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        opts.before ? lt(auditLog.id, opts.before) : undefined,
        opts.actorId ? eq(auditLog.actorId, opts.actorId) : undefined,
        opts.action ? eq(auditLog.action, opts.action) : undefined,
        opts.from ? gte(auditLog.at, nairobiDayStart(opts.from)) : undefined,
        opts.to ? lt(auditLog.at, nairobiDayEnd(opts.to)) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1].entry.id : null };
}

/** Who can appear in the "who" filter: everyone who has acted, by name. */
export async function auditActors(db: Queryable, viewer: Viewer) {
  assertStaff(viewer);
  return db
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(auditLog)
    .innerJoin(users, eq(users.id, auditLog.actorId))
    .orderBy(users.name)
    .limit(200);
}

/** The actions recorded so far (for the "what" filter). */
export async function auditActions(db: Queryable, viewer: Viewer): Promise<string[]> {
  assertStaff(viewer);
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action).limit(200);
  return rows.map((r) => r.action);
}
