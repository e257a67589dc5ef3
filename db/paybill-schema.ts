// Paybill (M-Pesa C2B) money: every confirmation or statement line we learn of, once per M-Pesa
// transaction id, and what became of it. A credited one is a normal `payments` row (channel
// 'paybill'); the raw confirmation is its gateway_events row. Kept apart from schema.ts to keep merges easy.
import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { payments, policies, users } from './schema';

const minor = (name: string) => bigint(name, { mode: 'number' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const PAYBILL_STATUSES = ['credited', 'attached_to_stk', 'unallocated', 'review', 'allocation_requested', 'allocated', 'refund_marked'] as const;
export type PaybillStatus = (typeof PAYBILL_STATUSES)[number];

export type PaybillCandidate = { policyId: string; number: string; why: string };

export const paybillReceipts = pgTable(
  'paybill_receipts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // M-Pesa's TransID (the receipt): one row per transaction, whichever way it reached us.
    transId: text('trans_id').notNull().unique(),
    transTime: at('trans_time').notNull(),
    amountMinor: minor('amount_minor').notNull(),
    currency: text('currency').notNull().default('KES'),
    shortCode: text('short_code').notNull(),
    billRef: text('bill_ref').notNull(),
    payerName: text('payer_name').notNull(),
    // Masked ("25470****149") or a SHA-256 hash: shown to staff, never used to match.
    msisdn: text('msisdn'),
    source: text('source', { enum: ['c2b_confirmation', 'statement'] }).notNull(),
    gatewayEventId: bigint('gateway_event_id', { mode: 'number' }),
    status: text('status', { enum: PAYBILL_STATUSES }).notNull(),
    // The payment it was credited as, or the STK payment it turned out to be.
    paymentId: uuid('payment_id').references(() => payments.id),
    // exact | truncated | confusion | near_name | staff
    matchedBy: text('matched_by'),
    reason: text('reason'),
    candidates: jsonb('candidates').$type<PaybillCandidate[]>().notNull().default([]),
    // Allocation by hand, under four eyes (lib/approvals/four-eyes.ts).
    allocationPolicyId: uuid('allocation_policy_id').references(() => policies.id),
    allocationNote: text('allocation_note'),
    raisedBy: uuid('raised_by').references(() => users.id),
    raisedAt: at('raised_at'),
    firstApprovedBy: uuid('first_approved_by').references(() => users.id),
    firstApprovedAt: at('first_approved_at'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: at('decided_at'),
    decisionNote: text('decision_note'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('paybill_receipts_open_idx')
      .on(t.createdAt.desc())
      .where(sql`${t.status} in ('unallocated', 'review', 'allocation_requested')`),
    index('paybill_receipts_payment_idx').on(t.paymentId),
  ],
);
export type PaybillReceipt = typeof paybillReceipts.$inferSelect;

// The built-in Daraja emulator's C2B URL registrations (sandbox only; nothing in production reads it).
export const sandboxC2bRegistrations = pgTable('sandbox_c2b_registrations', {
  shortCode: text('short_code').primaryKey(),
  responseType: text('response_type').notNull(),
  confirmationUrl: text('confirmation_url').notNull(),
  validationUrl: text('validation_url').notNull(),
  registeredAt: at('registered_at').notNull().defaultNow(),
});
