// Applies Paystack refund.* webhooks to our refunds (filled in by the refunds work).
import type { Db } from '@/db/client';
import type { RefundEvent, RefundEventData } from '@/lib/gateways/paystack/schemas';

export async function applyPaystackRefundEvent(_db: Db, _event: RefundEvent, _data: RefundEventData): Promise<string> {
  return 'refund_recorded';
}
