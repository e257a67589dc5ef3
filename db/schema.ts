// The system of record. Money is always an integer number of minor units (KES cents).
// A policy's balance is never stored: it is the sum of its ledger lines.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  smallint,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const minor = (name: string) => bigint(name, { mode: 'number' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// Roles are plain text checked by a constraint (see lib/auth/roles.ts for what each may do): the
// old enum's 'staff' was split into finance and support, which an enum cannot do in one migration.
export const USER_ROLES = ['policyholder', 'admin', 'finance', 'support'] as const;
// Only 'active' takes payments and reminders; the insurer's core system decides the others.
export const policyStatus = pgEnum('policy_status', ['active', 'lapsed', 'cancelled', 'matured']);
// 'general' business in Kenya is cash and carry (no cover before payment): no grace period.
export const productClass = pgEnum('product_class', ['life', 'general']);
export const bookImportStatus = pgEnum('book_import_status', ['previewed', 'queued', 'running', 'done', 'failed', 'discarded']);
export const installmentStatus = pgEnum('installment_status', ['due', 'partly_paid', 'paid']);
export const paymentMethod = pgEnum('payment_method', ['mpesa', 'card']);
// 'review': money may have moved but something did not match (amount, receipt); staff decide.
export const paymentStatus = pgEnum('payment_status', [
  'pending',
  'completed',
  'failed',
  'cancelled',
  'expired',
  'review',
]);
export const gatewaySource = pgEnum('gateway_source', ['daraja', 'paystack']);
export const ledgerKind = pgEnum('ledger_kind', [
  'premium_charged',
  'payment_received',
  'refund',
  'commission',
  // A gateway's fee on a payment (reconciliation), on the 'fees' account: never the holder's.
  'fee',
]);

// 'fees': what the gateways kept of the money received (so gross, fees and net reconcile).
export const ledgerAccount = pgEnum('ledger_account', ['holder', 'agent', 'fees']);
export const refundStatus = pgEnum('refund_status', ['requested', 'rejected', 'approved', 'processing', 'processed', 'failed']);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  phone: text('phone'),
  role: text('role', { enum: USER_ROLES }).notNull().default('policyholder'),
  // Set: the account cannot sign in, and its open sessions stop working on their next request.
  deactivatedAt: at('deactivated_at'),
  lastSignInAt: at('last_sign_in_at'),
  // Null for holders loaded from the insurer's book until they set one; '!' (never a valid hash)
  // for invited staff until they set one through their link.
  passwordHash: text('password_hash'),
  // The insurer's core-system client id: the only key an import matches holders by (never phone
  // or email, which families share and networks recycle).
  clientId: text('client_id').unique(),
  nationalId: text('national_id'),
  // Two-factor sign-in (TOTP). Secrets are AES-GCM encrypted with a key derived from AUTH_SECRET
  // (lib/auth/two-factor/secret-box.ts). The pending secret is the one shown as a QR code until
  // its first code is confirmed; the last accepted time step stops a code being replayed.
  totpSecret: text('totp_secret'),
  totpPendingSecret: text('totp_pending_secret'),
  totpEnabledAt: at('totp_enabled_at'),
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  createdAt: at('created_at').notNull().defaultNow(),
  // Holder access: when the holder claimed an imported account, and whether they want SMS reminders.
  claimedAt: at('claimed_at'),
  smsReminders: boolean('sms_reminders').notNull().default(true),
},
// The import preview flags phones shared between client ids.
(t) => [index('users_phone_idx').on(t.phone)]);

// What payment needs to know about a product. Staff edit these; an import only creates them.
export const products = pgTable('products', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  class: productClass('class').notNull(),
  // Life products only (default 30); general products have none (null).
  graceDays: integer('grace_days'),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

// One-time recovery codes for two-factor sign-in: SHA-256 of 80-bit random codes (the codes are
// shown once). used_at is set by the sign-in that spends one; a used code never works again.
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: at('used_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('recovery_codes_user_hash_idx').on(t.userId, t.codeHash)],
);

// Settings an admin changes at run time, shared by every instance (e.g. staff must use two-factor).
export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

// One-time links to set a password (first administrator, invited staff). Only a hash of the token
// is stored; a link works once, until it expires.
export const passwordTokens = pgTable(
  'password_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [index('password_tokens_user_idx').on(t.userId)],
);

// Selling agents earn a commission on every completed premium payment of their policies.
export const agents = pgTable('agents', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  // The agent as the core system names it in an import file (agents created by an import).
  code: text('code').unique(),
  email: text('email').unique(),
  phone: text('phone'),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull().unique(),
    product: text('product').notNull(),
    productId: uuid('product_id').references(() => products.id),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    holderId: uuid('holder_id')
      .notNull()
      .references(() => users.id),
    premiumMinor: minor('premium_minor').notNull(),
    currency: text('currency').notNull().default('KES'),
    status: policyStatus('status').notNull().default('active'),
    agentId: uuid('agent_id').references(() => agents.id),
    // Agent's share in basis points (1000 = 10%).
    commissionBps: integer('commission_bps').notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('policies_holder_idx').on(t.holderId), index('policies_agent_idx').on(t.agentId)],
);

export const installments = pgTable(
  'installments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    seq: integer('seq').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    amountMinor: minor('amount_minor').notNull(),
    // Derived from the ledger inside the same transaction that posts the payment; kept as a
    // column so lists and "what is overdue" queries stay cheap.
    status: installmentStatus('status').notNull().default('due'),
  },
  (t) => [
    unique('installments_policy_seq').on(t.policyId, t.seq),
    // Reminders and "what is overdue" look only at open installments by due date.
    index('installments_open_due_idx').on(t.dueDate).where(sql`${t.status} <> 'paid'`),
  ],
);

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    method: paymentMethod('method').notNull(),
    // How the money came: through the app (STK prompt, card checkout) or to the Paybill from the
    // holder's SIM menu (lib/paybill; such a payment is born completed, never pending).
    channel: text('channel', { enum: ['app', 'paybill'] }).notNull().default('app'),
    amountMinor: minor('amount_minor').notNull(),
    currency: text('currency').notNull().default('KES'),
    status: paymentStatus('status').notNull().default('pending'),
    phone: text('phone'),
    merchantRequestId: text('merchant_request_id').unique(),
    checkoutRequestId: text('checkout_request_id').unique(),
    mpesaReceipt: text('mpesa_receipt').unique(),
    // Our receipt number: assigned once, by a trigger, when the payment first becomes completed.
    receiptNo: text('receipt_no').unique(),
    paystackReference: text('paystack_reference').unique(),
    cardBrand: text('card_brand'),
    cardLast4: text('card_last4'),
    // Paystack's hosted checkout for this attempt, and whether the holder asked to keep the card.
    checkoutUrl: text('checkout_url'),
    saveCard: boolean('save_card').notNull().default(false),
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    flagged: boolean('flagged').notNull().default(false),
    flagReason: text('flag_reason'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    completedAt: at('completed_at'),
  },
  (t) => [
    index('payments_user_created_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
    index('payments_policy_idx').on(t.policyId, t.createdAt.desc()),
    index('payments_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`),
    // Staff console: newest first, by status, by phone, flagged for review.
    index('payments_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('payments_status_created_idx').on(t.status, t.createdAt.desc(), t.id.desc()),
    index('payments_method_created_idx').on(t.method, t.createdAt.desc(), t.id.desc()),
    index('payments_phone_idx').on(t.phone, t.createdAt.desc()),
    index('payments_flagged_idx').on(t.createdAt.desc()).where(sql`${t.flagged}`),
    // Completed before receipt numbers were stored: filled once at start-up (lib/receipts/backfill.ts).
    index('payments_receipt_missing_idx').on(t.id).where(sql`${t.status} = 'completed' and ${t.receiptNo} is null`),
    // Collection figures by completion time (staff overview).
    index('payments_completed_at_idx').on(t.completedAt).where(sql`${t.status} = 'completed'`),
    // Prefix search on references ("MLP-7K3", "UKP1") under any collation.
    index('payments_reference_prefix_idx').on(t.reference.op('text_pattern_ops')),
    index('payments_receipt_prefix_idx').on(t.mpesaReceipt.op('text_pattern_ops')),
    index('payments_paystack_ref_prefix_idx').on(t.paystackReference.op('text_pattern_ops')),
    // One in-flight M-Pesa prompt per policy, enforced by the database under any concurrency.
    uniqueIndex('payments_one_pending_mpesa_per_policy')
      .on(t.policyId)
      .where(sql`${t.status} = 'pending' and ${t.method} = 'mpesa' and ${t.channel} = 'app'`),
  ],
);

// Every state change of a payment, for the staff timeline.
export const paymentStatusChanges = pgTable(
  'payment_status_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    fromStatus: paymentStatus('from_status'),
    toStatus: paymentStatus('to_status').notNull(),
    reason: text('reason').notNull(),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('payment_status_changes_payment_idx').on(t.paymentId, t.at)],
);

// Raw gateway traffic, stored verbatim before anything acts on it.
export const gatewayEvents = pgTable(
  'gateway_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: gatewaySource('source').notNull(),
    kind: text('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    paymentId: uuid('payment_id').references(() => payments.id),
    raw: text('raw').notNull(),
    payload: jsonb('payload'),
    receivedAt: at('received_at').notNull().defaultNow(),
    processedAt: at('processed_at'),
    outcome: text('outcome'),
  },
  (t) => [
    index('gateway_events_payment_idx').on(t.paymentId, t.receivedAt),
    index('gateway_events_unprocessed_idx').on(t.receivedAt).where(sql`${t.processedAt} is null`),
  ],
);

// Append-only (a trigger refuses UPDATE and DELETE). Positive = the holder owes more.
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    paymentId: uuid('payment_id').references(() => payments.id),
    installmentId: uuid('installment_id').references(() => installments.id),
    kind: ledgerKind('kind').notNull(),
    // 'holder': what the policyholder owes (balances); 'agent': commission owed to agentId.
    account: ledgerAccount('account').notNull().default('holder'),
    agentId: uuid('agent_id').references(() => agents.id),
    refundId: uuid('refund_id'),
    // The book import that charged or changed this installment: one schedule line per import.
    bookImportId: uuid('book_import_id').references(() => bookImports.id),
    // Set on lines booked by a staff money movement (manual allocation, credit pay-out).
    movementId: uuid('movement_id'),
    amountMinor: minor('amount_minor').notNull(),
    currency: text('currency').notNull().default('KES'),
    memo: text('memo').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('ledger_policy_idx').on(t.policyId, t.id),
    index('ledger_installment_idx').on(t.installmentId),
    index('ledger_payment_idx').on(t.paymentId),
    index('ledger_agent_idx').on(t.agentId).where(sql`${t.account} = 'agent'`),
    // A payment can credit an installment once; a replayed completion hits this wall.
    unique('ledger_once_per_payment_installment')
      .on(t.kind, t.paymentId, t.installmentId, t.refundId, t.bookImportId, t.movementId)
      .nullsNotDistinct(),
  ],
);

// A holder's request to get money back from a completed payment, and staff's decision on it.
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    amountMinor: minor('amount_minor').notNull(),
    currency: text('currency').notNull().default('KES'),
    reason: text('reason').notNull(),
    status: refundStatus('status').notNull().default('requested'),
    // Who raised it: the holder, or a support member on the holder's behalf (null on old rows = the holder).
    requestedBy: uuid('requested_by').references(() => users.id),
    // Above SECOND_APPROVAL_ABOVE_KES the first finance approval waits here for a second approver.
    firstApprovedBy: uuid('first_approved_by').references(() => users.id),
    firstApprovedAt: at('first_approved_at'),
    // The refund note's number, assigned by a trigger when the money has gone back.
    noteNo: text('note_no').unique(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decisionNote: text('decision_note'),
    decidedAt: at('decided_at'),
    // Paystack's refund id, or the M-Pesa reference staff entered for a manual pay-out.
    gatewayReference: text('gateway_reference'),
    failureReason: text('failure_reason'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    completedAt: at('completed_at'),
  },
  (t) => [
    index('refunds_payment_idx').on(t.paymentId),
    index('refunds_user_idx').on(t.userId, t.createdAt.desc()),
    index('refunds_status_idx').on(t.status, t.createdAt.desc()),
    // An M-Pesa pay-out code (or Paystack refund id) belongs to one refund only.
    uniqueIndex('refunds_gateway_reference_once').on(t.gatewayReference).where(sql`${t.gatewayReference} is not null`),
  ],
);

// Money moved by staff by hand, under four eyes (lib/movements): allocating money received outside
// the app (e.g. a paybill payment with a wrong account number) to a policy, or paying out a
// holder's credit. Raised by one staff member, approved by a different finance member (two above
// SECOND_APPROVAL_ABOVE_KES); booked to the ledger only when approved (a credit pay-out: once
// the M-Pesa pay-out code is recorded).
export const moneyMovements = pgTable(
  'money_movements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['allocation', 'credit_payout'] }).notNull(),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    amountMinor: minor('amount_minor').notNull(),
    currency: text('currency').notNull().default('KES'),
    // requested -> approved -> paid (credit pay-out) | requested -> rejected. An allocation is
    // booked when approved.
    status: text('status', { enum: ['requested', 'approved', 'paid', 'rejected'] }).notNull().default('requested'),
    reason: text('reason').notNull(),
    // Allocation: the M-Pesa receipt of the money received. Credit pay-out: the pay-out's code.
    mpesaCode: text('mpesa_code'),
    raisedBy: uuid('raised_by')
      .notNull()
      .references(() => users.id),
    firstApprovedBy: uuid('first_approved_by').references(() => users.id),
    firstApprovedAt: at('first_approved_at'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: at('decided_at'),
    decisionNote: text('decision_note'),
    createdAt: at('created_at').notNull().defaultNow(),
    completedAt: at('completed_at'),
  },
  (t) => [
    index('money_movements_status_idx').on(t.status, t.createdAt.desc()),
    index('money_movements_policy_idx').on(t.policyId),
    // One M-Pesa code, one movement.
    uniqueIndex('money_movements_mpesa_code_once').on(t.mpesaCode).where(sql`${t.mpesaCode} is not null`),
  ],
);

// A staff decision on a payment held for review, under four eyes: one finance member proposes
// (accept as paid, or reject), a different one confirms (two above SECOND_APPROVAL_ABOVE_KES), and
// only the final confirmation moves the payment. One open proposal per payment.
export const reviewProposals = pgTable(
  'review_proposals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    decision: text('decision', { enum: ['accept', 'reject'] }).notNull(),
    // Accepting an M-Pesa payment: the receipt the proposer found in the statement.
    receipt: text('receipt'),
    // Accepting: the amount that arrived, as on the statement; it is what gets credited (it may
    // differ from what we asked for, which is why the payment is under review).
    amountMinor: minor('amount_minor'),
    note: text('note').notNull(),
    status: text('status', { enum: ['open', 'confirmed', 'declined'] }).notNull().default('open'),
    proposedBy: uuid('proposed_by')
      .notNull()
      .references(() => users.id),
    firstApprovedBy: uuid('first_approved_by').references(() => users.id),
    firstApprovedAt: at('first_approved_at'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: at('decided_at'),
    decisionNote: text('decision_note'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('review_proposals_one_open').on(t.paymentId).where(sql`${t.status} = 'open'`),
    index('review_proposals_payment_idx').on(t.paymentId, t.createdAt.desc()),
  ],
);
export type ReviewProposal = typeof reviewProposals.$inferSelect;

// Every staff action, append-only: who did what to which record, and when.
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id')
      .notNull()
      .references(() => users.id),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    detail: jsonb('detail').notNull().default({}),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_at_idx').on(t.at.desc()), index('audit_log_target_idx').on(t.targetType, t.targetId)],
);

// Emails to holders. Sent over SMTP when configured; otherwise they stay here and the sandbox
// outbox page shows them. The dedupe key makes each message (e.g. one reminder per installment
// per stage) happen at most once.
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    userId: uuid('user_id').references(() => users.id),
    toEmail: text('to_email').notNull(),
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    // e.g. { paymentId } for a receipt attachment rendered at send time.
    attachments: jsonb('attachments').notNull().default([]),
    status: text('status').notNull().default('queued'),
    error: text('error'),
    createdAt: at('created_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
  },
  (t) => [index('outbox_created_idx').on(t.createdAt.desc()), index('outbox_user_idx').on(t.userId, t.createdAt.desc())],
);

// An uploaded book file: kept whole (the import job re-reads it, so a restart resumes from the
// last committed batch), its preview, and the import's progress.
export const bookImports = pgTable(
  'book_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fileName: text('file_name').notNull(),
    fileSha256: text('file_sha256').notNull(),
    content: text('content').notNull(),
    status: bookImportStatus('status').notNull().default('previewed'),
    preview: jsonb('preview').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    confirmedBy: uuid('confirmed_by').references(() => users.id),
    // Fixed at confirmation, so every instance cuts the file into the same batches when resuming.
    batchPolicies: integer('batch_policies').notNull().default(500),
    totalBatches: integer('total_batches').notNull().default(0),
    batchesDone: integer('batches_done').notNull().default(0),
    // Running totals of what the committed batches did, and rows kept because money was paid.
    result: jsonb('result').notNull().default({}),
    lastError: text('last_error'),
    // Failed attempts in a row (reset by every committed batch): the import gives up after a few.
    failures: integer('failures').notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
    confirmedAt: at('confirmed_at'),
    finishedAt: at('finished_at'),
  },
  (t) => [index('book_imports_created_idx').on(t.createdAt.desc())],
);

// Postgres-backed job queue shared by every app instance (claimed with FOR UPDATE SKIP LOCKED).
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    key: text('key').unique(),
    payload: jsonb('payload').notNull().default({}),
    runAt: at('run_at').notNull().defaultNow(),
    /** Higher runs first: applying a gateway callback must not wait behind a burst of emails. */
    priority: smallint('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    /** Runs that threw in a row; reset by a run that ends normally. */
    failures: integer('failures').notNull().default(0),
    lockedUntil: at('locked_until'),
    lastError: text('last_error'),
    /** Dead letter: it failed too often and waits for staff to retry it; no worker claims it. */
    deadAt: at('dead_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('jobs_run_at_idx').on(t.runAt),
    index('jobs_claim_idx').on(t.priority.desc(), t.runAt).where(sql`${t.deadAt} is null`),
    index('jobs_dead_idx').on(t.deadAt).where(sql`${t.deadAt} is not null`),
  ],
);

// One row per running job worker, stamped every few seconds: readiness needs at least one fresh
// stamp (some instance is applying callbacks). A stopping worker deletes its own row.
export const workerHeartbeats = pgTable('worker_heartbeats', {
  instance: text('instance').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: at('started_at').notNull().defaultNow(),
  beatAt: at('beat_at').notNull().defaultNow(),
});

// The staff overview's slow figures (30-day aggregates, overdue list, commission), computed by a
// recurring job so the page reads one row; the live queues are counted on every read.
export const staffOverviewSnapshots = pgTable('staff_overview_snapshots', {
  name: text('name').primaryKey(),
  computedAt: at('computed_at').notNull(),
  figures: jsonb('figures').notNull(),
});

// Operational alarms staff must see (e.g. Daraja callbacks gone silent). One row per alarm: raised
// while its condition holds, cleared by the same check when it no longer does.
export const alarms = pgTable('alarms', {
  name: text('name').primaryKey(),
  raisedAt: at('raised_at'),
  clearedAt: at('cleared_at'),
  checkedAt: at('checked_at').notNull(),
  /** The numbers behind the last check, shown on the banner. */
  figures: jsonb('figures').notNull().default({}),
});

// Fixed-window counters for abuse limits (payment initiation, failed sign-ins), shared by every
// instance. Old windows are deleted by a periodic job.
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: at('window_start').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

// Failed sign-ins (and attempts still being checked, which count as failures until they succeed),
// one row each, so limits are true sliding windows per account+address and per address.
// Rows older than a day are deleted by the same periodic job as rate_limits.
export const signinFailures = pgTable(
  'signin_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    account: text('account').notNull(),
    address: text('address').notNull(),
    at: at('at').notNull().defaultNow(),
    // True while the password (or code) is still being checked. Counts against the account from
    // this address (parallel guesses cannot slip past the limit) but not against the address's
    // overall limit (a crowd behind one NAT signing in at once is not an attack).
    pending: boolean('pending').notNull().default(true),
  },
  (t) => [
    index('signin_failures_account_address_idx').on(t.account, t.address, t.at),
    index('signin_failures_address_idx').on(t.address, t.at),
  ],
);

// Gateway OAuth tokens shared by every instance (Daraja may invalidate older tokens).
export const gatewayTokens = pgTable('gateway_tokens', {
  key: text('key').primaryKey(),
  token: text('token').notNull(),
  expiresAt: at('expires_at').notNull(),
});

// A card a holder chose to keep for one-tap payments: Paystack's reusable authorization, never
// the card number.
export const savedCards = pgTable(
  'saved_cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    authorizationCode: text('authorization_code').notNull(),
    // Paystack's per-card signature: the same card saved twice is one row.
    signature: text('signature').notNull(),
    email: text('email').notNull(),
    brand: text('brand').notNull(),
    last4: text('last4').notNull(),
    expMonth: text('exp_month').notNull(),
    expYear: text('exp_year').notNull(),
    bank: text('bank'),
    createdAt: at('created_at').notNull().defaultNow(),
    removedAt: at('removed_at'),
  },
  (t) => [
    uniqueIndex('saved_cards_user_signature').on(t.userId, t.signature).where(sql`${t.removedAt} is null`),
    index('saved_cards_user_idx').on(t.userId),
  ],
);

export type User = typeof users.$inferSelect;
export type RecoveryCode = typeof recoveryCodes.$inferSelect;
export type PasswordToken = typeof passwordTokens.$inferSelect;

// One-time sign-in codes (issue 16). Only an HMAC of the code is kept; a code dies after 5 wrong
// tries, 5 minutes, or its first use. userId is null when what was entered matched nobody: the
// row still exists so unknown and known phones cost the same work.
export const oneTimeCodes = pgTable(
  'one_time_codes',
  {
    id: uuid('id').primaryKey(),
    // 'signin' (full session), 'claim' (full session, marks the account claimed), 'guest' (pay one policy).
    purpose: text('purpose').notNull(),
    channel: text('channel').notNull(),
    userId: uuid('user_id').references(() => users.id),
    policyId: uuid('policy_id').references(() => policies.id),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('one_time_codes_created_idx').on(t.createdAt)],
);

// Every SMS we send, first written here (the sandbox outbox shows them), then handed to Africa's
// Talking (or its emulator). Delivery reports update the row; a failure falls back to email.
export const smsMessages = pgTable(
  'sms_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    userId: uuid('user_id').references(() => users.id),
    toPhone: text('to_phone').notNull(),
    kind: text('kind').notNull(),
    body: text('body').notNull(),
    // queued -> sent (accepted by the gateway) -> delivered | failed
    status: text('status').notNull().default('queued'),
    providerMessageId: text('provider_message_id').unique(),
    providerStatus: text('provider_status'),
    cost: text('cost'),
    failureReason: text('failure_reason'),
    fallbackEmailId: uuid('fallback_email_id'),
    createdAt: at('created_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
    reportedAt: at('reported_at'),
  },
  (t) => [index('sms_messages_created_idx').on(t.createdAt.desc()), index('sms_messages_user_idx').on(t.userId, t.createdAt.desc())],
);

// Delivery reports as received (unsigned, so stored verbatim and matched by message id).
export const smsDeliveryReports = pgTable('sms_delivery_reports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  providerMessageId: text('provider_message_id').notNull(),
  status: text('status').notNull(),
  raw: text('raw').notNull(),
  matched: boolean('matched').notNull().default(false),
  receivedAt: at('received_at').notNull().defaultNow(),
});

export type OneTimeCode = typeof oneTimeCodes.$inferSelect;
export type SmsMessage = typeof smsMessages.$inferSelect;
export type Policy = typeof policies.$inferSelect;
export type Installment = typeof installments.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type PaymentStatus = Payment['status'];
export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type GatewayEvent = typeof gatewayEvents.$inferSelect;
export type Job = typeof jobs.$inferSelect;
export type Alarm = typeof alarms.$inferSelect;
export type SavedCard = typeof savedCards.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
export type MoneyMovement = typeof moneyMovements.$inferSelect;
export type Agent = typeof agents.$inferSelect;
export type Product = typeof products.$inferSelect;
export type BookImport = typeof bookImports.$inferSelect;
export type OutboxMessage = typeof outboxMessages.$inferSelect;
