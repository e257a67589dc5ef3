// The commit-ordered change feed behind GET /api/v1/payments?since=<cursor>.
//
// A bigserial or updated_at is NOT commit-ordered: a transaction that took id 10 can commit after
// one that took id 11, so a reader that already moved its cursor past 11 would skip 10 forever.
// Here a trigger appends a `changes` row (seq NULL) in the transaction of every payment/refund
// change; the stamper numbers the rows it can see — committed ones only — from a sequence, under
// an advisory lock so stampers take turns. A row that commits late is simply stamped later, with a
// higher number than anything a reader has seen, so it is neither skipped nor repeated. Readers
// stamp first, then return stamped rows with seq > cursor.
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type Queryable } from '@/db/client';

const STAMP_LOCK = 72007018;
/** The recurring stamper (readers stamp too): keeps seq close behind the commits. */
export const CHANGES_STAMP_JOB = 'integration.stamp-changes';
export const CHANGES_STAMP_EVERY_MS = 10_000;
const STAMP_BATCH = 5000;

/** Numbers every committed unstamped change, oldest id first; returns how many. */
export async function stampChanges(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${STAMP_LOCK})`);
      // This statement's snapshot is taken after the lock: it sees every earlier stamper's work.
      const result = await tx.execute(sql`
        update changes c set seq = s.seq
        from (select id, nextval('changes_seq') as seq from (select id from changes where seq is null order by id limit ${STAMP_BATCH}) u) s
        where c.id = s.id
        returning c.id`);
      return rowsOf(result).length;
    });
    total += n;
    if (n < STAMP_BATCH) return total;
  }
}

export type ChangedEntity = { entity: 'payment' | 'refund'; entityId: string; seq: number };

/**
 * Entities changed after `cursor`, each once (at its latest change), in commit order. The next
 * cursor is the last one's seq: an entity changed again later comes back with a higher seq.
 */
export async function changedSince(db: Queryable, cursor: number, limit: number): Promise<ChangedEntity[]> {
  const result = await db.execute(sql`
    select entity, entity_id, max(seq) as seq from changes
    where seq > ${cursor}
    group by entity, entity_id
    order by max(seq)
    limit ${limit}`);
  return rowsOf<{ entity: 'payment' | 'refund'; entity_id: string; seq: unknown }>(result).map((r) => ({ entity: r.entity, entityId: r.entity_id, seq: Number(r.seq) }));
}
