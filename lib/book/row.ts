// One row of the book file, validated with zod. Every message is for the staff member who
// uploaded the file, and names what to fix.
import { z } from 'zod';
import { normalizeKenyanPhone } from '@/lib/phone';
import type { ColumnKey } from './columns';
import { parseBookDate, parseCommissionBps, parseKesAmount } from './values';

const POLICY_STATUSES = ['active', 'cancelled', 'lapsed', 'matured'] as const;
export type BookPolicyStatus = (typeof POLICY_STATUSES)[number];

const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${label} is empty.`)
    .max(max, `${label} is longer than ${max} characters.`);

const optional = <O>(inner: z.ZodType<O, string>) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(inner.optional());

const date = (label: string) =>
  z.string().transform((v, ctx) => {
    const d = parseBookDate(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: v.trim() === '' ? `${label} is empty.` : `${label} "${v.trim()}" is not a date: use YYYY-MM-DD or DD/MM/YYYY.` });
      return z.NEVER;
    }
    return d;
  });

export const bookRowSchema = z
  .object({
    client_id: text('Client id', 64).regex(/^[A-Za-z0-9][A-Za-z0-9\-/._]*$/, 'Client id may use only letters, digits, -, /, . and _.'),
    holder_name: text('Holder name', 200),
    phone: z.string().transform((v, ctx) => {
      const p = normalizeKenyanPhone(v);
      if (!p.ok) {
        ctx.addIssue({ code: 'custom', message: v.trim() === '' ? 'Phone is empty.' : `Phone "${v.trim()}" is not a Kenyan mobile number.` });
        return z.NEVER;
      }
      return p.msisdn;
    }),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ error: (i) => (i.input === '' ? 'Email is empty.' : `Email "${String(i.input)}" is not an email address.`) })),
    national_id: optional(z.string().max(32, 'National ID is longer than 32 characters.').regex(/^[A-Za-z0-9]+$/, 'National ID may use only letters and digits.')),
    policy_number: text('Policy number', 64).regex(/^[A-Za-z0-9\-/]+$/, 'Policy number may use only letters, digits, - and /.'),
    product: text('Product', 100),
    product_class: optional(z.enum(['life', 'general'], { error: 'Product class must be life or general.' })),
    policy_status: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(POLICY_STATUSES, { error: (i) => `Policy status "${String(i.input)}" is not one of active, cancelled, lapsed, matured.` })),
    start_date: date('Start date'),
    end_date: date('End date'),
    due_date: date('Due date'),
    amount: z.string().transform((v, ctx) => {
      const minor = parseKesAmount(v);
      if (minor === null || minor === 0) {
        ctx.addIssue({
          code: 'custom',
          message: v.trim() === '' ? 'Amount is empty.' : `Amount "${v.trim()}" is not a KES amount above zero like 1200.50 or 1,200.50.`,
        });
        return z.NEVER;
      }
      return minor;
    }),
    agent: optional(z.string().max(100, 'Agent is longer than 100 characters.')),
    commission_rate: z.string().transform((v, ctx) => {
      if (v.trim() === '') return undefined;
      const bps = parseCommissionBps(v);
      if (bps === null) {
        ctx.addIssue({ code: 'custom', message: `Commission rate "${v.trim()}" is not a percentage from 0 to 100, like 10 or 7.5.` });
        return z.NEVER;
      }
      return bps;
    }),
  })
  .superRefine((r, ctx) => {
    if (r.end_date < r.start_date) ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'End date is before the start date.' });
    if (r.commission_rate !== undefined && r.commission_rate > 0 && !r.agent)
      ctx.addIssue({ code: 'custom', path: ['commission_rate'], message: 'A commission rate needs an agent on the same row.' });
  });

export type BookRow = z.infer<typeof bookRowSchema> & { line: number };

/** policyNumber: the row's policy when it was readable, so the rest of that policy is held back too. */
export type Rejection = { line: number; column: ColumnKey | null; reason: string; policyNumber?: string };
