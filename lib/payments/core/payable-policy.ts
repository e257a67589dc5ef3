// The checks every payment method makes before it creates a payment, inside its transaction.
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { policies, type Policy } from '@/db/schema';
import { formatKes } from '@/lib/money';
import type { Viewer } from '@/lib/viewer';
import { policyBalance } from './ledger';

export type PolicyRefusal = { ok: false; code: 'not_found' | 'invalid'; error: string };

/**
 * Locks the viewer's own active policy. The row lock serialises initiations for one policy across
 * every instance; another holder's policy is simply not found.
 */
export async function lockPayablePolicy(tx: Tx, viewer: Viewer, policyId: string): Promise<{ ok: true; policy: Policy } | PolicyRefusal> {
  const [policy] = await tx
    .select()
    .from(policies)
    .where(
      and(
        eq(policies.id, policyId),
        eq(policies.holderId, viewer.userId),
        // A pay-link / guest session may pay its one policy only.
        viewer.role === 'payer' && viewer.scope?.policyId !== policyId ? sql`false` : undefined,
      ),
    )
    .for('update');
  if (!policy) return { ok: false, code: 'not_found', error: 'We could not find that policy.' };
  if (policy.status !== 'active') return { ok: false, code: 'invalid', error: 'This policy is not active, so it cannot take payments.' };
  return { ok: true, policy };
}

/** No overpayment: the amount must be within what is owed. */
export async function overBalance(tx: Tx, policyId: string, amountMinor: number): Promise<PolicyRefusal | null> {
  const balance = await policyBalance(tx, policyId);
  if (amountMinor <= balance) return null;
  return {
    ok: false,
    code: 'invalid',
    error: balance > 0 ? `You can pay at most ${formatKes(balance)} on this policy.` : 'Nothing is owed on this policy.',
  };
}
