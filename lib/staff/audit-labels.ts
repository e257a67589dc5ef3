// The audit log in words staff read: what was done, and its details with their names and
// formats (amounts in KES, methods by name), never the stored codes and field names.
import { formatKes } from '@/lib/money';

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'payment.check_gateway': 'Checked a payment with the gateway',
  'payment.accept': 'Accepted a payment under review',
  'payment.reject': 'Rejected a payment under review',
  'payment.review_proposed': 'Proposed a decision on a payment under review',
  'payment.review_first_approval': 'Gave the first of two approvals of a review decision',
  'payment.review_declined': "Declined a colleague's review decision",
  'payment.review_withdrawn': 'Withdrew their own review decision',
  'payment.clear_flag': 'Marked a flagged payment as checked',
  'refund.approve': 'Approved a refund',
  'refund.reject': 'Turned down a refund',
  'refund.mpesa_payout': 'Recorded an M-Pesa refund pay-out',
  'refund.resend': 'Sent a refund to Paystack again',
  'sandbox.lose_callback': 'Sandbox: dropped an M-Pesa callback',
  'sandbox.wrong_amount': 'Sandbox: paid a different amount on the simulated phone',
  'transactions.export': 'Exported transactions (CSV)',
  'audit.export': 'Exported the audit log (CSV)',
  'refund.raise': 'Raised a refund for a holder',
  'refund.approve_first': 'Gave the first of two refund approvals',
  'movement.approve': 'Approved a movement of money',
  'movement.approve_first': 'Gave the first of two approvals of a movement of money',
  'movement.reject': 'Turned down a movement of money',
  'movement.credit_payout': 'Recorded a credit pay-out',
  'receipt.resend': 'Sent a receipt again',
  'staff.invite': 'Invited a staff member',
  'staff.change_role': "Changed a staff member's role",
  'staff.deactivate': 'Deactivated a staff member',
  'security.staff_two_factor': 'Changed the two-factor requirement for staff',
  'security.two_factor_enrol': 'Turned on two-factor sign-in',
  'security.two_factor_reset': "Reset a staff member's two-factor sign-in",
  'security.recovery_codes_replaced': 'Made new recovery codes',
  'book.import.confirm': 'Confirmed a book import',
  'book.import': 'Finished a book import',
  'book.import.fail': 'A book import failed',
  'product.update': "Changed a product's payment settings",
  'holder.invite': 'Sent a holder an invite',
  'job.retry': 'Ran a stopped background job again',
  'api_key.create': 'Created an integration API key',
  'api_key.revoke': 'Revoked an integration API key',
  'webhook_endpoint.create': 'Added a webhook endpoint',
  'webhook_endpoint.rotate': "Rotated a webhook endpoint's signing secret",
  'webhook_endpoint.enable': 'Enabled a webhook endpoint',
  'webhook_endpoint.disable': 'Disabled a webhook endpoint',
  'webhook_delivery.resend': 'Sent a webhook delivery again',
};

/** A label for any action, including ones added later: "team.invite" → "Team: invite". */
export function auditActionLabel(action: string): string {
  const known = AUDIT_ACTION_LABELS[action];
  if (known) return known;
  const [area, verb = ''] = action.split('.');
  const words = (s: string) => s.replace(/[_-]+/g, ' ').trim();
  return `${words(area).replace(/^./, (c) => c.toUpperCase())}${verb ? `: ${words(verb)}` : ''}`;
}

// In the order they are shown (the database keeps JSON keys in its own order); notes last.
const FIELD_LABELS: Record<string, string> = {
  amountMinor: 'Amount',
  method: 'Method',
  reference: 'Pay-out code',
  outcome: 'Outcome',
  decision: 'Decision',
  reason: 'Reason',
  flagReason: 'Flag reason',
  checkoutRequestId: 'M-Pesa request',
  filters: 'Filters',
  from: 'From',
  to: 'To',
  note: 'Note',
  confirmNote: 'Confirmation note',
};
const FIELD_ORDER = Object.keys(FIELD_LABELS);
const rank = (k: string) => (FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length - 1);

/** Ids the target link or the entry's own actor already name; shown in the CSV, not on screen. */
const HIDDEN_ON_SCREEN = new Set(['paymentId', 'refundId', 'proposalId', 'proposedBy', 'firstApprovedBy']);

function humanKey(key: string) {
  const spaced = key.replace(/Minor$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return spaced.replace(/^./, (c) => c.toUpperCase());
}

function humanValue(key: string, value: unknown): string {
  if (key.endsWith('Minor') && typeof value === 'number' && Number.isSafeInteger(value)) return formatKes(value);
  if (key === 'method' && (value === 'mpesa' || value === 'card')) return value === 'mpesa' ? 'M-Pesa' : 'Card';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${humanKey(k)}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ') || 'none';
  }
  return String(value);
}

export type AuditDetailRow = { key: string; label: string; value: string };

export function auditDetailRows(detail: unknown, opts: { forScreen?: boolean } = {}): AuditDetailRow[] {
  if (!detail || typeof detail !== 'object') return [];
  return Object.entries(detail as Record<string, unknown>)
    .filter(([k, v]) => v !== null && v !== '' && v !== undefined && !(opts.forScreen && HIDDEN_ON_SCREEN.has(k)))
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([k, v]) => ({ key: k, label: FIELD_LABELS[k] ?? humanKey(k), value: humanValue(k, v) }));
}
