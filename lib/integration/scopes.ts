// What an API key may do. Kept free of imports: the console's forms and the route handlers share it.
export const API_SCOPES = ['policies:write', 'policies:read', 'payments:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPE_LABELS: Record<ApiScope, string> = {
  'policies:write': 'Create and update policies (PUT /api/v1/policies/{number})',
  'policies:read': 'Read a policy and its installments (GET /api/v1/policies/{number})',
  'payments:read': 'Read payments and refunds changed since a cursor (GET /api/v1/payments)',
};

export const WEBHOOK_EVENTS = ['payment.completed', 'payment.failed', 'payment.review', 'refund.processed', 'policy.updated'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Marks book_imports rows written by the API (lib/book/imports.ts leaves them out of the console list). */
export const API_IMPORT_PREFIX = 'API: PUT /api/v1/policies/';
