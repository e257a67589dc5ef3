// Rows -> the integration API's JSON objects (schemas.ts), shared by the API and webhook events.
import { eq, inArray } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { payments, policies, refunds, type Payment, type Refund } from '@/db/schema';
import type { z } from 'zod';
import type { paymentObjectSchema, refundObjectSchema } from './schemas';

export type PaymentObject = z.infer<typeof paymentObjectSchema>;
export type RefundObject = z.infer<typeof refundObjectSchema>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function paymentObject(p: Payment, policyNumber: string): PaymentObject {
  return {
    object: 'payment',
    id: p.id,
    reference: p.reference,
    policy_number: policyNumber,
    method: p.method,
    status: p.status,
    amount_minor: p.amountMinor,
    currency: p.currency,
    mpesa_receipt: p.mpesaReceipt,
    receipt_no: p.receiptNo,
    failure_code: p.failureCode,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    completed_at: iso(p.completedAt),
  };
}

export function refundObject(r: Refund, policyNumber: string): RefundObject {
  return {
    object: 'refund',
    id: r.id,
    payment_id: r.paymentId,
    policy_number: policyNumber,
    status: r.status,
    amount_minor: r.amountMinor,
    currency: r.currency,
    note_no: r.noteNo,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    completed_at: iso(r.completedAt),
  };
}

export async function loadPaymentObjects(db: Queryable, ids: string[]): Promise<Map<string, PaymentObject>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ p: payments, number: policies.number }).from(payments).innerJoin(policies, eq(policies.id, payments.policyId)).where(inArray(payments.id, ids));
  return new Map(rows.map((r) => [r.p.id, paymentObject(r.p, r.number)]));
}

export async function loadRefundObjects(db: Queryable, ids: string[]): Promise<Map<string, RefundObject>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ r: refunds, number: policies.number })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .innerJoin(policies, eq(policies.id, payments.policyId))
    .where(inArray(refunds.id, ids));
  return new Map(rows.map((r) => [r.r.id, refundObject(r.r, r.number)]));
}
