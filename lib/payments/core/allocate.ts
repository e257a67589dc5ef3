// Spreads a payment over a policy's installments, oldest first. Pure, so it is easy to test.
export type OpenInstallment = { id: string; seq: number; amountMinor: number; paidMinor: number };
export type Allocation = { installmentId: string; amountMinor: number; settles: boolean };

export function allocatePayment(
  amountMinor: number,
  installments: OpenInstallment[],
): { allocations: Allocation[]; unallocatedMinor: number } {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new Error('amount must be a positive integer');
  let left = amountMinor;
  const allocations: Allocation[] = [];
  for (const inst of [...installments].sort((a, b) => a.seq - b.seq)) {
    if (left === 0) break;
    const open = inst.amountMinor - inst.paidMinor;
    if (open <= 0) continue;
    const take = Math.min(open, left);
    allocations.push({ installmentId: inst.id, amountMinor: take, settles: take === open });
    left -= take;
  }
  return { allocations, unallocatedMinor: left };
}

export function installmentStatusFor(amountMinor: number, paidMinor: number): 'due' | 'partly_paid' | 'paid' {
  if (paidMinor >= amountMinor) return 'paid';
  return paidMinor > 0 ? 'partly_paid' : 'due';
}
