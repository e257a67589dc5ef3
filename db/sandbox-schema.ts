// The built-in sandbox's own tables (the Daraja and Paystack emulators' state). Kept apart from the
// system of record (schema.ts): nothing in production reads or writes them; with real gateway
// credentials every sandbox route answers 404.
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// The built-in Daraja emulator's state: the prompts "sent" to simulated phones.
export const sandboxStkPrompts = pgTable(
  'sandbox_stk_prompts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    checkoutRequestId: text('checkout_request_id').notNull().unique(),
    merchantRequestId: text('merchant_request_id').notNull(),
    shortcode: text('shortcode').notNull(),
    phone: text('phone').notNull(),
    amountKes: integer('amount_kes').notNull(),
    accountReference: text('account_reference').notNull(),
    description: text('description').notNull(),
    callbackUrl: text('callback_url').notNull(),
    // null while the phone shows the prompt; the Daraja ResultCode once answered.
    resultCode: text('result_code'),
    resultDesc: text('result_desc'),
    receipt: text('receipt'),
    createdAt: at('created_at').notNull().defaultNow(),
    answeredAt: at('answered_at'),
  },
  (t) => [index('sandbox_stk_prompts_phone_idx').on(t.phone, t.createdAt.desc())],
);

// The built-in Paystack emulator's state (transactions and refunds it "processed").
export const sandboxPaystackTransactions = pgTable('sandbox_paystack_transactions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  reference: text('reference').notNull().unique(),
  accessCode: text('access_code').notNull().unique(),
  email: text('email').notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  // abandoned (initialized, unpaid) | success | failed | reversed
  status: text('status').notNull().default('abandoned'),
  gatewayResponse: text('gateway_response'),
  channel: text('channel'),
  callbackUrl: text('callback_url'),
  metadata: jsonb('metadata'),
  authorization: jsonb('authorization'),
  customer: jsonb('customer'),
  createdAt: at('created_at').notNull().defaultNow(),
  paidAt: at('paid_at'),
});

export const sandboxPaystackRefunds = pgTable('sandbox_paystack_refunds', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  transactionReference: text('transaction_reference').notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  status: text('status').notNull().default('pending'),
  customerNote: text('customer_note'),
  merchantNote: text('merchant_note'),
  createdAt: at('created_at').notNull().defaultNow(),
});

export type SandboxStkPrompt = typeof sandboxStkPrompts.$inferSelect;
export type SandboxPaystackTransaction = typeof sandboxPaystackTransactions.$inferSelect;

// Reconciliation breaks injected into the sandbox's statements (lib/sandbox/reconciliation.ts), so
// the whole daily close can be rehearsed on a laptop. kind: 'uncredited' (money in no payment of
// ours knows), 'omit' (a paid receipt/reference left off the statement: credited without money),
// 'amount' (the statement shows another amount for a receipt/reference).
export const sandboxReconInjections = pgTable('sandbox_recon_injections', {
  id: uuid('id').primaryKey().defaultRandom(),
  channel: text('channel').notNull(),
  day: text('day').notNull(),
  kind: text('kind').notNull(),
  reference: text('reference').notNull(),
  amountMinor: bigint('amount_minor', { mode: 'number' }).notNull().default(0),
  account: text('account'),
  at: at('at').notNull().defaultNow(),
});
export type SandboxReconInjection = typeof sandboxReconInjections.$inferSelect;
