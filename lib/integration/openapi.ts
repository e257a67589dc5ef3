// The OpenAPI 3.1 document, generated from the zod schemas the routes validate with (zod 4's
// z.toJSONSchema), so it describes exactly what the code accepts and answers.
import { z } from 'zod';
import { apiErrorSchema } from './errors';
import { changeListSchema, paymentObjectSchema, policyPutResultSchema, policyPutSchema, policySchema, refundObjectSchema, webhookEventSchema } from './schemas';
import { API_SCOPES, SCOPE_LABELS, WEBHOOK_EVENTS } from './scopes';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({ description, content: { 'application/json': { schema: ref(id) } } });
const err = (description: string) => json('Error', description);
const common = {
  '400': err('Malformed request (bad JSON, bad query parameter).'),
  '401': err('Missing, unknown or revoked API key.'),
  '403': err('The key lacks the permission (scope) this call needs.'),
  '429': err('Rate limit for this key; see Retry-After.'),
};

export function openApiDocument(serverUrl: string) {
  const registry = z.registry<{ id: string }>();
  for (const s of [apiErrorSchema, policyPutSchema, policySchema, policyPutResultSchema, paymentObjectSchema, refundObjectSchema, changeListSchema, webhookEventSchema]) {
    const id = (s.meta() as { id: string }).id;
    registry.add(s, { id });
  }
  const generated = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  // Component schemas are embedded in the document: no $schema/$id of their own.
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, s]) => {
      const { $schema: _s, $id: _i, ...rest } = s as Record<string, unknown>;
      void _s;
      void _i;
      return [id, rest];
    }),
  );
  const numberParam = { name: 'number', in: 'path', required: true, description: 'Policy number (URL-encode a "/").', schema: { type: 'string' } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Malipo integration API',
      version: '1.0.0',
      description:
        'For the insurer\'s core system: keep the book in step and learn about payments. Authenticate with "Authorization: Bearer <key>" ' +
        '(keys are created by an administrator under Staff console → Integrations). Money is integer minor units (KES cents). ' +
        `Webhook events (${WEBHOOK_EVENTS.join(', ')}) are POSTed as WebhookEvent bodies with a Malipo-Signature header: ` +
        't=<unix>,v1=<hex HMAC-SHA256 of "t.body"> with the endpoint\'s secret.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/policies/{number}': {
        put: {
          operationId: 'putPolicy',
          summary: 'Create or update one policy with its holder and schedule (the book import\'s rules).',
          description: `Scope: policies:write. Send an Idempotency-Key to make retries safe (same key + same body: same answer; different body: 409; kept 24 hours).`,
          parameters: [numberParam, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('PolicyPut') } } },
          responses: {
            '200': json('PolicyPutResult', 'Updated or unchanged.'),
            '201': json('PolicyPutResult', 'Created.'),
            ...common,
            '409': err('Idempotency-Key reused with another body, or the policy/email belongs to another holder.'),
            '422': err('A field is not valid; `field` names it.'),
          },
        },
        get: {
          operationId: 'getPolicy',
          summary: 'A policy: premium standing, balance, installments and their state.',
          description: 'Scope: policies:read (or policies:write).',
          parameters: [numberParam],
          responses: { '200': json('Policy', 'The policy.'), ...common, '404': err('No such policy.') },
        },
      },
      '/api/v1/payments': {
        get: {
          operationId: 'listPaymentChanges',
          summary: 'Payments and refunds changed since a cursor, in commit order.',
          description: 'Scope: payments:read. Start without since, then pass next_cursor. Never skips a change that committed late; each changed object appears once per page run, in its current state.',
          parameters: [
            { name: 'since', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{1,18}$' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: { '200': json('ChangeList', 'Changes after the cursor.'), ...common },
        },
      },
    },
    webhooks: Object.fromEntries(
      WEBHOOK_EVENTS.map((type) => [type, { post: { summary: `${type} event`, requestBody: { content: { 'application/json': { schema: ref('WebhookEvent') } } }, responses: { '2XX': { description: 'Received; anything else is retried for up to 3 days.' } } } }]),
    ),
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: `API key. Scopes: ${API_SCOPES.map((s) => `${s} (${SCOPE_LABELS[s]})`).join('; ')}.` },
      },
    },
  };
}
