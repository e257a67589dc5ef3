// A policy's installment schedule and the ledger lines behind its balance, for its holder.
import type { Queryable } from '@/db/client';
import type { LedgerEntry } from '@/db/schema';
import { ledgerForPolicy, type InstallmentWithPaid } from '@/lib/payments/core/ledger';
import { getPolicy } from '@/lib/policies';
import { todayInNairobi } from '@/lib/nairobi-time';
import { isScoped, type Viewer } from '@/lib/viewer';

export type InstallmentState = 'paid' | 'partly_paid' | 'due' | 'overdue';

/**
 * Paid in full wins; anything still owed after its due date (Nairobi calendar) is overdue, even
 * if part of it was paid, because that is what needs the holder's attention.
 */
export function installmentState(i: Pick<InstallmentWithPaid, 'amountMinor' | 'paidMinor' | 'dueDate'>, today: string): InstallmentState {
  if (i.paidMinor >= i.amountMinor) return 'paid';
  if (i.dueDate < today) return 'overdue';
  return i.paidMinor > 0 ? 'partly_paid' : 'due';
}

export type ScheduleLine = InstallmentWithPaid & { state: InstallmentState; leftMinor: number };
export type LedgerLine = LedgerEntry & { balanceAfterMinor: number };

/** Each line with the balance right after it (lines must be oldest first, as ledgerForPolicy gives). */
export function withRunningBalance(lines: LedgerEntry[]): LedgerLine[] {
  let balance = 0;
  return lines.map((l) => ({ ...l, balanceAfterMinor: (balance += l.amountMinor) }));
}

/** The policy page's data, or null when the policy does not exist or is not the viewer's. */
export async function policySchedule(db: Queryable, viewer: Viewer, policyId: string, now = new Date()) {
  // The policy page (schedule, ledger) is for the holder; a pay-link session sees the pay page only.
  if (isScoped(viewer)) return null;
  const found = await getPolicy(db, viewer, policyId);
  if (!found) return null;
  const today = todayInNairobi(now);
  // An installment a book import withdrew (amount zero, nothing paid) is no longer part of the plan.
  const schedule: ScheduleLine[] = found.schedule.filter((i) => i.amountMinor > 0 || i.paidMinor > 0).map((i) => ({
    ...i,
    state: installmentState(i, today),
    leftMinor: Math.max(i.amountMinor - i.paidMinor, 0),
  }));
  const ledger = withRunningBalance(await ledgerForPolicy(db, found.policy.id));
  const overdueMinor = schedule.filter((i) => i.state === 'overdue').reduce((s, i) => s + i.leftMinor, 0);
  const next = schedule.find((i) => i.leftMinor > 0) ?? null;
  return { policy: found.policy, balanceMinor: found.balanceMinor, schedule, ledger, overdueMinor, next };
}
