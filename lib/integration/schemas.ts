// The integration API's shapes, in zod: requests are validated with them and the OpenAPI document
// (openapi.ts) is generated from them, so the document cannot drift from what the code accepts.
// Money is integer minor units (KES cents), dates are YYYY-MM-DD, times ISO 8601 UTC.
import { z } from 'zod';
import { WEBHOOK_EVENTS } from './scopes';

const day = z.string().meta({ description: 'Calendar date, YYYY-MM-DD (DD/MM/YYYY is accepted too, as in the book file).', example: '2026-01-31' });
const minor = z.number().int().meta({ description: 'Amount in minor units (KES cents): 150000 is KES 1,500.00.' });

export const policyPutSchema = z
  .object({
    holder: z.object({
      client_id: z.string().meta({ description: "The insurer's client id: the only key holders are matched by.", example: 'C-1001' }),
      name: z.string().meta({ example: 'Amina Njeri' }),
      phone: z.string().meta({ description: 'Kenyan mobile number, any usual form.', example: '0712345678' }),
      email: z.string().meta({ example: 'amina@example.com' }),
      national_id: z.string().nullish(),
    }),
    product: z.string().meta({ example: 'Education Plan' }),
    product_class: z.enum(['life', 'general']).nullish().meta({ description: 'Used only when the product is new (life products get a 30-day grace period).' }),
    status: z.enum(['active', 'cancelled', 'lapsed', 'matured']),
    start_date: day,
    end_date: day,
    agent: z.string().nullish(),
    commission_rate: z.string().nullish().meta({ description: 'Percentage, e.g. "10" or "7.5"; needs an agent.' }),
    installments: z
      .array(z.object({ due_date: day, amount_minor: minor.positive() }))
      .min(1)
      .max(600)
      .meta({ description: 'The whole schedule. Installments already paid (even in part) are never rewritten; one missing from the list is withdrawn unless paid.' }),
  })
  .strict()
  .meta({ id: 'PolicyPut' });
export type PolicyPut = z.infer<typeof policyPutSchema>;

export const installmentSchema = z.object({
  seq: z.number().int(),
  due_date: z.string(),
  amount_minor: minor,
  paid_minor: minor,
  left_minor: minor,
  state: z.enum(['paid', 'partly_paid', 'due', 'overdue']),
});

export const policySchema = z
  .object({
    object: z.literal('policy'),
    number: z.string(),
    client_id: z.string().nullable(),
    product: z.string(),
    status: z.enum(['active', 'cancelled', 'lapsed', 'matured']),
    start_date: z.string().nullable(),
    end_date: z.string().nullable(),
    currency: z.string(),
    premium_minor: minor,
    balance_minor: minor.meta({ description: 'Still owed (positive) or in credit (negative), from the ledger.' }),
    overdue_minor: minor,
    standing: z.object({ tone: z.enum(['ok', 'warn', 'bad', 'neutral']), text: z.string() }).meta({ description: 'Premium standing in words; says nothing about cover.' }),
    installments: z.array(installmentSchema),
  })
  .meta({ id: 'Policy' });

export const policyPutResultSchema = z
  .object({
    policy: policySchema,
    result: z.enum(['created', 'updated', 'unchanged']),
    kept: z.array(z.object({ due_date: z.string(), reason: z.string() })).meta({ description: 'Installments the request would have changed but that already have money against them.' }),
  })
  .meta({ id: 'PolicyPutResult' });

export const paymentObjectSchema = z
  .object({
    object: z.literal('payment'),
    id: z.string(),
    reference: z.string(),
    policy_number: z.string(),
    method: z.enum(['mpesa', 'card']),
    status: z.enum(['pending', 'completed', 'failed', 'cancelled', 'expired', 'review']),
    amount_minor: minor,
    currency: z.string(),
    mpesa_receipt: z.string().nullable(),
    receipt_no: z.string().nullable(),
    failure_code: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .meta({ id: 'Payment' });

export const refundObjectSchema = z
  .object({
    object: z.literal('refund'),
    id: z.string(),
    payment_id: z.string(),
    policy_number: z.string(),
    status: z.enum(['requested', 'rejected', 'approved', 'processing', 'processed', 'failed']),
    amount_minor: minor,
    currency: z.string(),
    note_no: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .meta({ id: 'Refund' });

export const changeListSchema = z
  .object({
    data: z.array(z.union([paymentObjectSchema, refundObjectSchema]).and(z.object({ cursor: z.string() }))),
    next_cursor: z.string().meta({ description: 'Pass as ?since= next time. Unchanged when nothing new.' }),
    has_more: z.boolean(),
  })
  .meta({ id: 'ChangeList' });

export const sinceQuerySchema = z.object({
  since: z.string().regex(/^\d{1,18}$/, 'since must be a cursor from a previous answer (digits), or left out to start from the beginning.').optional(),
  limit: z.coerce.number().int().min(1, 'limit must be 1 to 500.').max(500, 'limit must be 1 to 500.').optional(),
});

export const webhookEventSchema = z
  .object({
    id: z.string().meta({ description: 'Stable event id: the same on every retry. Deduplicate on it.' }),
    type: z.enum(WEBHOOK_EVENTS),
    created: z.number().int().meta({ description: 'Unix seconds.' }),
    data: z.record(z.string(), z.unknown()).meta({ description: 'The Payment, Refund or policy summary the event is about.' }),
  })
  .meta({ id: 'WebhookEvent' });
