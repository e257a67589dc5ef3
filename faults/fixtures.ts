// Bulk test data for fault tests: many policies, each with one pending payment.
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '@/db/client';
import { installments, jobs, ledgerEntries, payments, policies, users } from '@/db/schema';
import { sandboxStkPrompts } from '@/db/sandbox-schema';
import { DEMO_USERS } from '@/db/seed';
import { newPaymentReference } from '@/lib/payments/core/reference';

export type PendingPayment = { id: string; method: 'mpesa' | 'card'; amountMinor: number; checkoutRequestId: string; merchantRequestId: string; reference: string; phone: string };

/**
 * Creates `n` policies for the demo holder, each owing KES 1,000 with one pending payment of it.
 * M-Pesa ones also get an answered (paid) sandbox prompt, so STK Query finds them paid, and a
 * reconciliation job due in `reconcileInSeconds`.
 */
export async function pendingPayments(db: Db, n: number, method: 'mpesa' | 'card', reconcileInSeconds = 3600): Promise<PendingPayment[]> {
  const [holder] = await db.select().from(users).where(eq(users.email, DEMO_USERS.holder.email));
  const out: PendingPayment[] = [];
  for (let i = 0; i < n; i++) {
    const tag = crypto.randomBytes(4).toString('hex');
    const [policy] = await db.insert(policies).values({ number: `FLT-${method}-${tag}`, product: 'Fault test cover', holderId: holder.id, premiumMinor: 100_000 }).returning();
    const [inst] = await db.insert(installments).values({ policyId: policy.id, seq: 1, dueDate: '2026-12-01', amountMinor: 100_000 }).returning();
    await db.insert(ledgerEntries).values({ policyId: policy.id, userId: holder.id, installmentId: inst.id, kind: 'premium_charged', amountMinor: 100_000, memo: 'fault test premium' });
    const reference = newPaymentReference();
    const checkoutRequestId = `ws_CO_${Date.now()}${i}712345678`;
    const merchantRequestId = `${tag}-4b64-97ff-${i}`;
    const [p] = await db
      .insert(payments)
      .values({
        reference,
        userId: holder.id,
        policyId: policy.id,
        method,
        amountMinor: 100_000,
        phone: '254712345678',
        ...(method === 'mpesa' ? { checkoutRequestId, merchantRequestId } : { paystackReference: reference }),
      })
      .returning();
    if (method === 'mpesa') {
      await db.insert(sandboxStkPrompts).values({
        checkoutRequestId,
        merchantRequestId,
        shortcode: '174379',
        phone: '254712345678',
        amountKes: 1000,
        accountReference: 'FLT',
        description: 'Premium',
        callbackUrl: 'http://127.0.0.1:9/unused',
        resultCode: '0',
        resultDesc: 'The service request is processed successfully.',
        receipt: `UKP${tag.toUpperCase().slice(0, 7)}`.padEnd(10, '0').slice(0, 10),
        answeredAt: new Date(),
      });
      await db.insert(jobs).values({ kind: 'mpesa.reconcile', key: `mpesa.reconcile:${p.id}`, payload: { paymentId: p.id }, runAt: new Date(Date.now() + reconcileInSeconds * 1000) });
    }
    out.push({ id: p.id, method, amountMinor: 100_000, checkoutRequestId, merchantRequestId, reference, phone: '254712345678' });
  }
  return out;
}

export function stkSuccessBody(p: PendingPayment, receipt: string) {
  return `{"Body":{"stkCallback":{"MerchantRequestID":"${p.merchantRequestId}","CheckoutRequestID":"${p.checkoutRequestId}","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1000.00},{"Name":"MpesaReceiptNumber","Value":"${receipt}"},{"Name":"TransactionDate","Value":20261125120000},{"Name":"PhoneNumber","Value":${p.phone}}]}}}}`;
}

export function paystackSuccessBody(p: PendingPayment) {
  return JSON.stringify({
    event: 'charge.success',
    data: { id: 4100000000 + Math.floor(Math.random() * 1e6), domain: 'test', status: 'success', reference: p.reference, amount: p.amountMinor, requested_amount: p.amountMinor, currency: 'KES', gateway_response: 'Successful', channel: 'card', metadata: { payment_id: p.id }, authorization: {}, customer: { email: 'wanjiku@example.com' } },
  });
}

/** Payment status and the sum of its holder ledger lines, for exactly-once checks. */
export async function bookings(db: Db, ids: string[]) {
  const rows = rowsOf<{ id: string; status: string; credited: string | null; lines: string }>(
    await db.execute(sql`select p.id, p.status, -sum(l.amount_minor) filter (where l.kind = 'payment_received') as credited, count(l.id) filter (where l.kind = 'payment_received') as lines
      from payments p left join ledger_entries l on l.payment_id = p.id
      where p.id in ${ids} group by p.id, p.status`),
  );
  return new Map(rows.map((r) => [r.id, { status: r.status, credited: Number(r.credited ?? 0), lines: Number(r.lines) }]));
}

/** Per payment: its stored STK callbacks and how many of them still wait in the job queue. */
/** Per payment: the gateway messages received (STK callbacks, Paystack charge webhooks) and how many still wait in the queue. */
export async function storedCallbacks(db: Db, ids: string[]) {
  const rows = rowsOf<{ id: string; events: string; queued: string }>(
    await db.execute(sql`select e.payment_id as id, count(*) as events, count(j.id) as queued
      from gateway_events e
      left join jobs j on j.key in ('payments.apply-stk-callback:' || e.id, 'webhooks.apply-paystack:' || e.id)
      where e.kind in ('stk_callback', 'charge.success') and e.payment_id in ${ids} group by e.payment_id`),
  );
  return new Map(rows.map((r) => [r.id, { events: Number(r.events), queued: Number(r.queued) }]));
}
