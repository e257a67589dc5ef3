// The staff audit trail. Written inside the same transaction as the change it describes, so an
// action and its record commit (or roll back) together; audit_log is never updated or deleted.
import { desc, eq, lt } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { auditLog, users } from '@/db/schema';
import { assertStaff } from '@/lib/staff/access';
import type { Viewer } from '@/lib/viewer';

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

/** Newest first, keyset by id (the primary key index); `before` is the last id of the previous page. */
export async function listAudit(db: Queryable, viewer: Viewer, opts: { before?: number; limit?: number } = {}) {
  assertStaff(viewer, 'audit.view');
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const rows = await db
    .select({ entry: auditLog, actorName: users.name, actorEmail: users.email })
    .from(auditLog)
    .innerJoin(users, eq(users.id, auditLog.actorId))
    .where(opts.before ? lt(auditLog.id, opts.before) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1].entry.id : null };
}
