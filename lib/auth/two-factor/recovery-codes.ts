// Ten one-time recovery codes per person, for a lost phone. 16 characters from a 32-letter alphabet
// (80 random bits) shown once as xxxx-xxxx-xxxx-xxxx; only their SHA-256 is stored, which is
// enough at that strength. Spending one is a single conditional UPDATE, so it works exactly once.
import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { recoveryCodes } from '@/db/schema';

export const RECOVERY_CODE_COUNT = 10;
// 32 symbols (no 0, 1, i, l: easy to copy from paper), so a byte's low 5 bits pick one evenly.
const LETTERS = 'abcdefghjkmnopqrstuvwxyz23456789';

function randomCode() {
  const bytes = crypto.randomBytes(16);
  const chars = [...bytes].map((b) => LETTERS[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** Lower-case, no spaces or dashes: what people type from a printout. */
export function normaliseRecoveryCode(input: string) {
  return input.toLowerCase().replace(/[\s-]+/g, '');
}

const hashCode = (code: string) => crypto.createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');

/** Replaces every code of this person with ten fresh ones; returns them for showing once. */
export async function issueRecoveryCodes(tx: Queryable, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, randomCode);
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId, codeHash: hashCode(c) })));
  return codes;
}

/** Spends a code: true once for each code issued, false for anything else or a second time. */
export async function spendRecoveryCode(db: Queryable, userId: string, input: string, now = new Date()): Promise<boolean> {
  if (normaliseRecoveryCode(input).length !== 16) return false;
  const spent = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashCode(input)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return spent.length === 1;
}

export async function unusedRecoveryCodeCount(db: Queryable, userId: string) {
  const rows = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return rows.length;
}
