// The policies an account number could mean, found through the key indexes of migration 0020
// (exact key, its one-edit neighbours, and the 12-character STK tail), never by scanning the book.
// match.ts then decides among them.
import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { policies, users } from '@/db/schema';
import { matchKey, neighbourKeys, STK_REFERENCE_LENGTH, type PolicyCandidate } from './match';

// Must be the exact expressions of the migration's indexes, or PostgreSQL will not use them.
const KEY = sql`translate(upper(regexp_replace(${policies.number}, '[^A-Za-z0-9]', '', 'g')), 'OI', '01')`;
const TAIL = sql`right(translate(upper(regexp_replace(${policies.number}, '[^A-Za-z0-9]', '', 'g')), 'OI', '01'), 12)`;

export async function policyCandidates(db: Queryable, billRef: string): Promise<PolicyCandidate[]> {
  const key = matchKey(billRef);
  if (!key) return [];
  const keys = [key, ...neighbourKeys(key)];
  const asArray = sql`array[${sql.join(keys.map((k) => sql`${k}`), sql`, `)}]::text[]`;
  // A 12-character account may be the STK form of a longer number (or one edit from it); an
  // 11- or 13-character one may be that form with a character missing or extra.
  const tailKeys = keys.filter((k) => k.length === STK_REFERENCE_LENGTH);
  const tailMatch = tailKeys.length
    ? sql` or (${TAIL} = any(array[${sql.join(tailKeys.map((k) => sql`${k}`), sql`, `)}]::text[]) and length(${KEY}) > ${STK_REFERENCE_LENGTH})`
    : sql``;
  const rows = await db
    .select({ id: policies.id, number: policies.number, status: policies.status, holderName: users.name })
    .from(policies)
    .innerJoin(users, eq(users.id, policies.holderId))
    .where(sql`${KEY} = any(${asArray})${tailMatch}`)
    .limit(50);
  return rows.map((r) => ({ id: r.id, number: r.number, holderName: r.holderName ?? '', active: r.status === 'active' }));
}
