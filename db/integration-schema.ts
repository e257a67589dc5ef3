// The insurer's systems: API keys, idempotent writes, the commit-ordered change feed, and the
// outbox of integration events with their outbound webhook deliveries (lib/integration/).
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './schema';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// An API key is shown once; only its SHA-256 is kept (keys are 256-bit random, so a plain hash is
// enough: nothing to brute-force). `prefix` is the first characters, to tell keys apart in the console.
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  scopes: text('scopes').array().notNull(),
  createdBy: uuid('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  lastUsedAt: at('last_used_at'),
  revokedAt: at('revoked_at'),
});

// Idempotency-Key of a write: the request's hash and the answer given, kept 24 hours.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    apiKeyId: uuid('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

// Change feed of payments and refunds, appended by triggers (migration 'integration_changes') in
// the transaction that changes the row. seq is NULL until the stamper (lib/integration/changes.ts)
// numbers committed rows in commit order; readers page by seq, so a late commit is never skipped.
export const changes = pgTable(
  'changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    seq: bigint('seq', { mode: 'number' }),
    entity: text('entity', { enum: ['payment', 'refund'] }).notNull(),
    entityId: uuid('entity_id').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('changes_seq_idx').on(t.seq),
    index('changes_unstamped_idx').on(t.id).where(sql`${t.seq} is null`),
  ],
);

// The outbox: one row per integration event, written in the transaction of the change it describes.
export const integrationEvents = pgTable(
  'integration_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('integration_events_created_idx').on(t.createdAt.desc())],
);

// Where events go. Secrets are sealed (AES-GCM under a key derived from AUTH_SECRET); during a
// rotation the previous secret still signs until previous_secret_until.
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  events: text('events').array().notNull(),
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  previousSecretUntil: at('previous_secret_until'),
  createdBy: uuid('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  // First failed attempt since the last success (null while healthy), and how many in a row.
  failingSince: at('failing_since'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  disabledAt: at('disabled_at'),
  disabledReason: text('disabled_reason'),
});

// One event for one endpoint. status: pending -> succeeded | failed (gave up after 3 days) | skipped (endpoint disabled).
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id')
      .notNull()
      .references(() => integrationEvents.id),
    status: text('status', { enum: ['pending', 'succeeded', 'failed', 'skipped'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_once').on(t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt.desc()),
  ],
);

// Every HTTP attempt, for the console's delivery log.
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    at: at('at').notNull().defaultNow(),
    httpStatus: integer('http_status'),
    durationMs: integer('duration_ms').notNull(),
    responseSnippet: text('response_snippet'),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.at.desc())],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type IntegrationEvent = typeof integrationEvents.$inferSelect;
