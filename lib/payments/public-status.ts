// What a payer's browser may know about a payment's progress.
import type { Payment } from '@/db/schema';

export type PublicPaymentStatus = {
  id: string;
  status: Payment['status'];
  reference: string;
  amountMinor: number;
  failureReason: string | null;
  mpesaReceipt: string | null;
  createdAt: string;
  /**
   * Closed on our side without knowing whether the prompt went out (no CheckoutRequestID: Daraja
   * answered 500, or too slowly): a success may still arrive, so the payer's page keeps checking.
   */
  outcomeUnknown: boolean;
  /**
   * The prompt could not reach the phone (unreachable 1037, another prompt open 1025/1019) or the
   * push itself failed: the page offers paying by Paybill from the SIM menu instead, prominently.
   */
  promptUnreachable: boolean;
};

const UNREACHABLE_CODES = new Set(['1037', '1025', '1019']);

export function publicStatus(p: Payment): PublicPaymentStatus {
  return {
    id: p.id,
    status: p.status,
    reference: p.reference,
    amountMinor: p.amountMinor,
    failureReason: p.failureReason,
    mpesaReceipt: p.mpesaReceipt,
    createdAt: p.createdAt.toISOString(),
    outcomeUnknown: p.method === 'mpesa' && p.status === 'expired' && !p.checkoutRequestId,
    promptUnreachable:
      p.method === 'mpesa' && (p.status === 'failed' || p.status === 'expired') && (UNREACHABLE_CODES.has(p.failureCode ?? '') || !p.checkoutRequestId),
  };
}
