'use server';

import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import { getDb } from '@/db/client';
import { currentViewer } from '@/lib/auth/session';
import { returnFromCheckout } from '@/lib/payments/pay-by-card';
import { paystackGateway } from '@/lib/payments/gateways';
import { publicStatus, type PublicPaymentStatus } from '@/lib/payments/public-status';
import { getPayment } from '@/lib/payments/queries';

const input = z.object({ paymentId: uuidField(), cancelled: z.boolean().default(false) });

/**
 * Asks Paystack (server to server) how the checkout ended and applies it. The query string the
 * browser came back with proves nothing (docs/paystack.md §4), so it is never read here.
 */
export async function verifyCardPaymentAction(raw: { paymentId: string; cancelled?: boolean }): Promise<PublicPaymentStatus | { error: string }> {
  const viewer = await currentViewer();
  if (!viewer) return { error: 'Your session has ended. Sign in again.' };
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { error: 'We could not find that payment.' };
  const db = await getDb();
  const row = await getPayment(db, viewer, parsed.data.paymentId);
  if (!row || row.payment.method !== 'card') return { error: 'We could not find that payment.' };
  await returnFromCheckout(db, paystackGateway().paystack, row.payment, { cancelled: parsed.data.cancelled });
  const fresh = (await getPayment(db, viewer, row.payment.id))!.payment;
  return publicStatus(fresh);
}
