// Daily cash reconciliation (issue 19): what M-Pesa's statement and Paystack's settlements say
// arrived, stored raw, matched to our payments per Nairobi day and channel; every difference is a
// named break someone resolves; a day closes when none is open and is then locked (a trigger
// refuses changes to its lines and breaks; later changes are adjustments on the day they are made).
import { sql } from 'drizzle-orm';
import { bigint, date, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { moneyMovements, payments, users } from './schema';

const minor = (name: string) => bigint(name, { mode: 'number' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const RECON_CHANNELS = ['mpesa', 'card'] as const;
export type ReconChannel = (typeof RECON_CHANNELS)[number];

// One statement file uploaded, one Pull Transactions answer, or one Paystack settlement read.
export const reconImports = pgTable(
  'recon_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel', { enum: RECON_CHANNELS }).notNull(),
    // 'mpesa_statement' (the org portal's CSV), 'mpesa_pull' (Daraja Pull Transactions), 'paystack_settlement'.
    source: text('source').notNull(),
    fileName: text('file_name'),
    sha256: text('sha256').notNull(),
    lineCount: bigint('line_count', { mode: 'number' }).notNull().default(0),
    newLines: bigint('new_lines', { mode: 'number' }).notNull().default(0),
    // Paystack: the settlement (id, totals) as read.
    detail: jsonb('detail').notNull().default({}),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  // The same file (or settlement read) is one import, however often it comes.
  (t) => [index('recon_imports_created_idx').on(t.createdAt.desc()), uniqueIndex('recon_imports_once').on(t.channel, t.sha256)],
);

// Each statement line as the gateway wrote it (raw), plus the fields matching needs. A line is
// stored once whatever file brings it again (dedupe_key), so importing twice changes nothing.
export const reconLines = pgTable(
  'recon_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    importId: uuid('import_id')
      .notNull()
      .references(() => reconImports.id),
    channel: text('channel', { enum: RECON_CHANNELS }).notNull(),
    source: text('source').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    // The reconciliation day this line counts in: its Nairobi day, or (adjustment) the day it
    // arrived when its own day was already closed.
    day: date('day', { mode: 'string' }).notNull(),
    occurredAt: at('occurred_at').notNull(),
    adjustmentOf: date('adjustment_of', { mode: 'string' }),
    // M-Pesa receipt, or Paystack reference.
    reference: text('reference').notNull(),
    // money_in | charge (a fee taken by the gateway) | money_out | other (not money: failed lines)
    kind: text('kind', { enum: ['money_in', 'charge', 'money_out', 'other'] }).notNull(),
    grossMinor: minor('gross_minor').notNull().default(0),
    feeMinor: minor('fee_minor').notNull().default(0),
    balanceMinor: minor('balance_minor'),
    details: text('details').notNull().default(''),
    status: text('status').notNull().default(''),
    otherParty: text('other_party'),
    account: text('account'),
    raw: text('raw').notNull(),
    // Set by matching: matched | completed_late | uncredited | amount_differs | fee_booked | unexplained | ignored
    result: text('result'),
    paymentId: uuid('payment_id').references(() => payments.id),
    movementId: uuid('movement_id').references(() => moneyMovements.id),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('recon_lines_dedupe').on(t.channel, t.dedupeKey),
    index('recon_lines_day_idx').on(t.channel, t.day),
    index('recon_lines_reference_idx').on(t.reference),
  ],
);

export const BREAK_KINDS = ['uncredited', 'credited_no_money', 'amount_differs', 'unexplained_out'] as const;
export type BreakKind = (typeof BREAK_KINDS)[number];
// matched_later: a credited payment's money turned up on a later statement (set by matching, no person).
export const BREAK_RESOLUTIONS = ['matched_by_hand', 'allocated', 'refunded', 'written_off', 'matched_later'] as const;
export type BreakResolution = (typeof BREAK_RESOLUTIONS)[number];

// A difference between the statement and what we credited, until someone resolves it.
export const reconBreaks = pgTable(
  'recon_breaks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // One break per cause: matching again finds the same key and adds nothing.
    dedupeKey: text('dedupe_key').notNull().unique(),
    channel: text('channel', { enum: RECON_CHANNELS }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    adjustmentOf: date('adjustment_of', { mode: 'string' }),
    kind: text('kind', { enum: BREAK_KINDS }).notNull(),
    // What the statement says (0 when no line) and what we credited (0 when no payment).
    statementMinor: minor('statement_minor').notNull().default(0),
    creditedMinor: minor('credited_minor').notNull().default(0),
    lineId: uuid('line_id').references(() => reconLines.id),
    paymentId: uuid('payment_id').references(() => payments.id),
    summary: text('summary').notNull(),
    // open | write_off_requested | allocation_requested | resolved
    status: text('status', { enum: ['open', 'write_off_requested', 'allocation_requested', 'resolved'] }).notNull().default('open'),
    resolution: text('resolution', { enum: BREAK_RESOLUTIONS }),
    resolutionNote: text('resolution_note'),
    // The pay-back code (refunded) or the other side's reference (matched by hand).
    resolutionReference: text('resolution_reference'),
    movementId: uuid('movement_id').references(() => moneyMovements.id),
    // Four eyes on write-offs (lib/approvals/four-eyes.ts).
    writeOffRequestedBy: uuid('write_off_requested_by').references(() => users.id),
    writeOffReason: text('write_off_reason'),
    writeOffFirstApprovedBy: uuid('write_off_first_approved_by').references(() => users.id),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    resolvedAt: at('resolved_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('recon_breaks_day_idx').on(t.channel, t.day), index('recon_breaks_open_idx').on(t.createdAt).where(sql`${t.status} <> 'resolved'`)],
);

// A reconciliation day per channel: exists once a statement covered it; closed when signed off.
export const reconDays = pgTable(
  'recon_days',
  {
    day: date('day', { mode: 'string' }).notNull(),
    channel: text('channel', { enum: RECON_CHANNELS }).notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    // The report's figures frozen at sign-off.
    figures: jsonb('figures'),
    closedBy: uuid('closed_by').references(() => users.id),
    closedAt: at('closed_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.day, t.channel] })],
);

export type ReconImport = typeof reconImports.$inferSelect;
export type ReconLine = typeof reconLines.$inferSelect;
export type ReconBreak = typeof reconBreaks.$inferSelect;
export type ReconDay = typeof reconDays.$inferSelect;
