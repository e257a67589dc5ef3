// Words a policyholder reads for our enum values (the same words as the status badge).
import type { LedgerEntry, Payment } from '@/db/schema';
import { cardLabel } from '@/lib/payments/card/card-label';
import { REFUND_STATE_LABELS, refundStateOf } from '@/lib/payments/refunded';
import type { StatusFilter } from './filters';

export const STATUS_LABELS: Record<Payment['status'], string> = {
  pending: 'Pending',
  completed: 'Paid',
  failed: 'Failed',
  cancelled: 'Cancelled',
  expired: 'Expired',
  review: 'Under review',
};

/** The status filter's choices, in the order a holder looks for them. */
export const STATUS_FILTER_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'completed', label: 'Paid' },
  { value: 'pending', label: 'Pending' },
  { value: 'unsuccessful', label: 'Not paid (failed, cancelled or expired)' },
  { value: 'review', label: 'Under review' },
  { value: 'failed', label: 'Failed only' },
  { value: 'cancelled', label: 'Cancelled only' },
  { value: 'expired', label: 'Expired only' },
];

export const METHOD_LABELS: Record<Payment['method'], string> = { mpesa: 'M-Pesa', card: 'Card' };

export const LEDGER_KIND_LABELS: Record<LedgerEntry['kind'], string> = {
  premium_charged: 'Premium charged',
  payment_received: 'Payment received',
  refund: 'Refund to you',
  commission: 'Agent commission',
  fee: 'Gateway fee',
};

/** "M-Pesa UKP1ABCDEF", "M-Pesa Paybill UKP1ABCDEF", "Visa •••• 4081", or just the method while nothing more is known. */
export function methodDetail(p: Pick<Payment, 'method' | 'mpesaReceipt' | 'cardBrand' | 'cardLast4'> & { channel?: Payment['channel'] }): string {
  const mpesa = p.channel === 'paybill' ? 'M-Pesa Paybill' : 'M-Pesa';
  if (p.method === 'mpesa') return p.mpesaReceipt ? `${mpesa} ${p.mpesaReceipt}` : mpesa;
  return p.cardLast4 ? cardLabel(p.cardBrand, p.cardLast4) : 'Card';
}

/** The word a holder reads for a payment: "Refunded" / "Part refunded" beat "Paid". */
export function displayStatusLabel(p: Pick<Payment, 'status' | 'amountMinor'> & { refundedMinor: number }): string {
  const refund = refundStateOf(p);
  return refund ? REFUND_STATE_LABELS[refund] : STATUS_LABELS[p.status];
}
