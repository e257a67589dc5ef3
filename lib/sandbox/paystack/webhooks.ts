/**
 * Webhook delivery for the Paystack sandbox, the way Paystack does it (docs/paystack.md §10): a
 * POST of compact JSON `{"event","data"}` with `x-paystack-signature` = lowercase hex HMAC-SHA512
 * of exactly the bytes sent, keyed with the secret key.
 *
 * Sent once. Paystack retries failures hourly in test mode; the sandbox does not, so a failure is
 * logged and reported to the caller, never thrown.
 */
import { sandboxPaystackRefunds, sandboxPaystackTransactions } from '@/db/sandbox-schema';
import { signPaystackBody } from '@/lib/gateways/paystack/signature';
import { log } from '@/lib/log';

/** Paystack's test-mode timeout per attempt (docs/paystack.md §10). */
const WEBHOOK_TIMEOUT_MS = 30_000;

/** The app's webhook route for a given origin. */
export const paystackWebhookUrl = (appOrigin: string) => `${new URL(appOrigin).origin}/api/v1/payments/paystack/webhook`;

export type PaystackWebhookEvent = { event: string; data: unknown };

export type WebhookDelivery = {
  /** The app answered 2xx. */
  delivered: boolean;
  /** HTTP status the app answered; absent when no answer came. */
  status?: number;
  error?: string;
};

export type WebhookOptions = { fetch?: typeof fetch; timeoutMs?: number };

export async function sendPaystackWebhook(
  url: string,
  event: PaystackWebhookEvent,
  secretKey: string,
  opts: WebhookOptions = {},
): Promise<WebhookDelivery> {
  // Compact JSON, signed over these exact bytes (docs/paystack.md §10, fixtures/sources.md).
  const body = JSON.stringify(event);
  try {
    const res = await (opts.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-paystack-signature': signPaystackBody(body, secretKey) },
      body,
      redirect: 'manual',
      cache: 'no-store',
      signal: AbortSignal.timeout(opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    if (res.ok) return { delivered: true, status: res.status };
    const error = `Paystack sandbox: ${event.event} webhook to ${url} got HTTP ${res.status}; not retried.`;
    log.warn({ event: 'sandbox.paystack.webhook_failed', kind: event.event, status: res.status }, error);
    return { delivered: false, status: res.status, error };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const error = `Paystack sandbox: ${event.event} webhook to ${url} failed (${reason}); not retried.`;
    log.warn({ event: 'sandbox.paystack.webhook_failed', kind: event.event }, error);
    return { delivered: false, error };
  }
}

// ---------------------------------------------------------------------------------------------
// Wire shapes the sandbox sends: the transaction object in each endpoint's variant, and the
// webhook events. Key sets and order follow the fixtures in /work/shared/fixtures/paystack.

export type SandboxTransactionRow = typeof sandboxPaystackTransactions.$inferSelect;
export type SandboxRefundRow = typeof sandboxPaystackRefunds.$inferSelect;

/** The sandbox integration's id, as in Paystack's `integration` fields. */
export const SANDBOX_INTEGRATION_ID = 1_000_001;

export type TransactionVariant = 'verify' | 'fetch' | 'list' | 'webhook' | 'charge';

const TRANSACTION_KEYS: Record<TransactionVariant, readonly string[]> = {
  // fixtures/verify.success.json
  verify: [
    'id', 'domain', 'status', 'reference', 'receipt_number', 'amount', 'message', 'gateway_response', 'paid_at',
    'created_at', 'channel', 'currency', 'ip_address', 'metadata', 'log', 'fees', 'fees_split', 'authorization',
    'customer', 'plan', 'split', 'order_id', 'paidAt', 'createdAt', 'requested_amount', 'pos_transaction_data',
    'source', 'fees_breakdown', 'connect', 'transaction_date', 'plan_object', 'subaccount',
  ],
  // fixtures/fetch.success.json
  fetch: [
    'id', 'domain', 'status', 'reference', 'receipt_number', 'amount', 'message', 'gateway_response',
    'helpdesk_link', 'paid_at', 'created_at', 'channel', 'currency', 'ip_address', 'metadata', 'log', 'fees',
    'fees_split', 'authorization', 'customer', 'plan', 'subaccount', 'split', 'order_id', 'paidAt', 'createdAt',
    'requested_amount', 'pos_transaction_data', 'source', 'fees_breakdown', 'connect',
  ],
  // fixtures/list.success.cursor-meta.json
  list: [
    'id', 'domain', 'status', 'reference', 'amount', 'message', 'gateway_response', 'paid_at', 'created_at',
    'channel', 'currency', 'ip_address', 'metadata', 'log', 'fees', 'fees_split', 'customer', 'authorization',
    'plan', 'split', 'subaccount', 'order_id', 'paidAt', 'createdAt', 'requested_amount', 'source', 'connect',
    'pos_transaction_data',
  ],
  // fixtures/webhook.charge.success.kes-card.json
  webhook: [
    'id', 'domain', 'status', 'reference', 'amount', 'message', 'gateway_response', 'paid_at', 'created_at',
    'channel', 'currency', 'ip_address', 'metadata', 'fees_breakdown', 'log', 'fees', 'fees_split', 'authorization',
    'customer', 'plan', 'subaccount', 'split', 'order_id', 'paidAt', 'requested_amount', 'pos_transaction_data',
    'source',
  ],
  // fixtures/charge-authorization.success.json
  charge: [
    'amount', 'currency', 'transaction_date', 'status', 'reference', 'domain', 'metadata', 'gateway_response',
    'message', 'channel', 'ip_address', 'log', 'fees', 'authorization', 'customer', 'plan', 'id',
  ],
};

/** Access codes of charge_authorization transactions: never a hosted checkout. */
export const SAVED_CARD_ACCESS_CODE_PREFIX = 'chg_';
export const isSavedCardCharge = (row: Pick<SandboxTransactionRow, 'accessCode'>) =>
  row.accessCode.startsWith(SAVED_CARD_ACCESS_CODE_PREFIX);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Paystack's local-card fee as seen in the KES sample (290 on 10000, docs/paystack.md §10): 2.9 %, integer cents. */
export const sandboxFee = (amount: number) => Math.floor((amount * 29 + 500) / 1000);

function checkoutLog(row: SandboxTransactionRow, paid: boolean) {
  return {
    start_time: Math.floor(row.createdAt.getTime() / 1000),
    time_spent: row.paidAt ? Math.max(1, Math.round((row.paidAt.getTime() - row.createdAt.getTime()) / 1000)) : 1,
    attempts: 1,
    errors: paid ? 0 : 1,
    success: paid,
    mobile: false,
    input: [],
    history: [
      { type: 'action', message: 'Attempted to pay with card', time: 1 },
      paid
        ? { type: 'success', message: 'Successfully paid with card', time: 2 }
        : { type: 'error', message: `Error: ${row.gatewayResponse ?? 'Declined'}`, time: 2 },
    ],
  };
}

/** The transaction object as `variant` shows it. */
export function transactionWire(row: SandboxTransactionRow, variant: TransactionVariant): Record<string, unknown> {
  const paid = row.status === 'success' || row.status === 'reversed';
  const attempted = row.status !== 'abandoned';
  const viaCheckout = !isSavedCardCharge(row);
  const createdAt = iso(row.createdAt);
  const paidAt = paid ? iso(row.paidAt) : null;
  const values: Record<string, unknown> = {
    id: row.id,
    domain: 'test',
    status: row.status,
    reference: row.reference,
    receipt_number: null,
    amount: row.amount,
    message: null,
    // An unpaid checkout reads "The transaction was not completed" (docs/paystack.md §5).
    gateway_response: row.gatewayResponse ?? (attempted ? '' : 'The transaction was not completed'),
    helpdesk_link: null,
    paid_at: paidAt,
    created_at: createdAt,
    channel: row.channel ?? 'card',
    currency: row.currency,
    ip_address: attempted && variant !== 'charge' ? '127.0.0.1' : null,
    // "" when nothing was sent, as in verify/fetch (docs/paystack.md §5).
    metadata: row.metadata ?? '',
    log: attempted && variant !== 'charge' && viaCheckout ? checkoutLog(row, paid) : null,
    fees: paid ? sandboxFee(row.amount) : null,
    fees_split: null,
    // `{}` until a card was tried (docs/paystack.md §5, §13.12).
    authorization: row.authorization ?? {},
    customer: row.customer ?? {},
    // null in verify and charge_authorization, {} elsewhere (fixtures/sources.md "Quirks").
    plan: variant === 'verify' || variant === 'charge' ? null : {},
    subaccount: {},
    split: {},
    order_id: null,
    paidAt,
    createdAt,
    requested_amount: row.amount,
    pos_transaction_data: null,
    source:
      variant === 'verify'
        ? null
        : variant === 'fetch'
          ? { type: 'api', source: 'merchant_api', identifier: null }
          : {
              type: 'api',
              source: 'merchant_api',
              entry_point: viaCheckout ? 'transaction_initialize' : 'charge_authorization',
              identifier: null,
            },
    fees_breakdown: null,
    connect: null,
    transaction_date: createdAt,
    plan_object: {},
  };
  return Object.fromEntries(TRANSACTION_KEYS[variant].map((key) => [key, values[key]]));
}

/** `charge.success`: `data` is the transaction object (docs/paystack.md §10, fixtures/webhook.charge.success.kes-card.json). */
export function chargeSuccessEvent(row: SandboxTransactionRow): PaystackWebhookEvent {
  return { event: 'charge.success', data: transactionWire(row, 'webhook') };
}

export type SandboxRefundStatus = 'pending' | 'processing' | 'needs-attention' | 'failed' | 'processed';

/** Refund references appear once the processor has one (docs/paystack.md §9.5: null early on). */
export const refundReference = (refund: SandboxRefundRow) => String(132_000_000_000 + refund.id);

/**
 * `refund.*` events (docs/paystack.md §9.5): not a refund object. `amount` is a STRING in pending/processing/processed
 * and a number in failed/needs-attention; only needs-attention carries the refund id (a string).
 */
export function refundEvent(
  refund: SandboxRefundRow,
  status: SandboxRefundStatus,
  customer: { first_name?: unknown; last_name?: unknown; email?: unknown } | null,
): PaystackWebhookEvent {
  const who = {
    first_name: customer?.first_name ?? null,
    last_name: customer?.last_name ?? null,
    email: customer?.email ?? null,
  };
  const common = {
    status,
    transaction_reference: refund.transactionReference,
    refund_reference: status === 'pending' || status === 'processing' ? null : refundReference(refund),
  };
  if (status === 'needs-attention') {
    return {
      event: 'refund.needs-attention',
      data: {
        ...common,
        amount: refund.amount,
        currency: refund.currency,
        customer: who,
        integration: SANDBOX_INTEGRATION_ID,
        domain: 'test',
        id: String(refund.id),
        customer_note: refund.customerNote,
        merchant_note: refund.merchantNote,
      },
    };
  }
  return {
    event: `refund.${status}`,
    data: {
      ...common,
      amount: status === 'failed' ? refund.amount : String(refund.amount),
      currency: refund.currency,
      processor: status === 'processed' ? 'mpgs_zen' : 'instant-transfer',
      customer: who,
      integration: SANDBOX_INTEGRATION_ID,
      domain: 'test',
    },
  };
}
