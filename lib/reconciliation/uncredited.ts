// Money that reached the paybill (or Paystack) with no payment of ours to credit. An M-Pesa line
// goes through the Paybill pipeline (lib/paybill/ingest.ts, the one way Paybill money enters the
// books, idempotent by the M-Pesa code): it credits the policy the account names, attaches it to
// an STK payment of ours, or queues it on /staff/unallocated. What is not credited stays a break
// until staff allocate it (syncAllocations resolves the break then) or resolve it otherwise.
import type { Tx } from '@/db/client';
import type { ReconLine } from '@/db/reconciliation-schema';
import { paybillSettings } from '@/lib/env';
import { formatKes } from '@/lib/money';
import { ingestPaybillPaymentIn } from '@/lib/paybill/ingest';
import { recordBreak } from './breaks';

/** The payment the line's money was credited to by the Paybill pipeline, or null (a break). */
export async function sendToUnallocated(tx: Tx, line: ReconLine): Promise<{ paymentId: string } | null> {
  let queued: string | null = null;
  if (line.channel === 'mpesa' && line.kind === 'money_in') {
    const shortCode = paybillSettings().shortcodes[0] ?? '';
    const r = await ingestPaybillPaymentIn(tx, {
      transId: line.reference,
      transTime: line.occurredAt,
      amountMinor: line.grossMinor,
      shortCode,
      billRef: line.account ?? '',
      payerName: line.otherParty ?? '',
      msisdn: null,
      source: 'statement',
    });
    if ((r.outcome === 'credited' || r.outcome === 'attached_to_stk') && r.paymentId) return { paymentId: r.paymentId };
    if (r.outcome === 'duplicate' && r.paymentId && (r.status === 'credited' || r.status === 'allocated' || r.status === 'attached_to_stk')) return { paymentId: r.paymentId };
    queued = r.outcome === 'review' ? ` Held for a decision on the Unallocated page: ${r.reason}` : ' It is waiting on the Unallocated page.';
  }
  const who = [line.otherParty, line.account ? `account ${line.account}` : null].filter(Boolean).join(', ');
  await recordBreak(tx, {
    kind: 'uncredited',
    line,
    statementMinor: line.grossMinor,
    creditedMinor: 0,
    summary: `${formatKes(line.grossMinor)} arrived (${line.reference}${who ? `, ${who}` : ''}) but no payment of ours was credited.${queued ?? ''}`,
  });
  return null;
}
