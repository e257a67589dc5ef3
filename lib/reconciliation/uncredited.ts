// Money that reached the paybill (or Paystack) with no payment of ours to credit: one function, so
// the route to the unallocated queue is a one-line change.
// TODO(issue 17): for M-Pesa lines call ingestPaybillPayment(db, { transId: line.reference,
// transTime: line.occurredAt, amountMinor: line.grossMinor, shortCode, billRef: line.account ?? '',
// payerName: line.otherParty ?? '', msisdn: null, source: 'statement' }) from lib/paybill/ingest.ts,
// which credits the policy the account names, attaches it to an STK payment, or queues it as
// unallocated; keep the break below while the money is unallocated.
import type { Tx } from '@/db/client';
import type { ReconLine } from '@/db/reconciliation-schema';
import { formatKes } from '@/lib/money';
import { recordBreak } from './breaks';

export async function sendToUnallocated(tx: Tx, line: ReconLine): Promise<void> {
  const who = [line.otherParty, line.account ? `account ${line.account}` : null].filter(Boolean).join(', ');
  await recordBreak(tx, {
    kind: 'uncredited',
    line,
    statementMinor: line.grossMinor,
    creditedMinor: 0,
    summary: `${formatKes(line.grossMinor)} arrived (${line.reference}${who ? `, ${who}` : ''}) but no payment of ours was credited.`,
  });
}
