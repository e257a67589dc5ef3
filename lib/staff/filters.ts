// The staff transaction search: what the query string may say (zod), and the cursor that keeps
// pagination on the (created_at desc, id desc) indexes however deep staff page.
import { z } from 'zod';
import { PAYMENT_STATUSES } from '@/lib/payments/core/status';

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const blankToUndefined = (v: unknown) => {
  const one = first(v);
  return typeof one === 'string' && one.trim() === '' ? undefined : one;
};
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional()).catch(undefined);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00+03:00`)));

export const transactionFiltersSchema = z.object({
  q: optional(z.string().trim().max(100)),
  status: optional(z.enum(PAYMENT_STATUSES)),
  method: optional(z.enum(['mpesa', 'card'])),
  flagged: optional(z.enum(['1', 'true', 'on']).transform(() => true as const)),
  /** Nairobi calendar days, inclusive. */
  from: optional(isoDay),
  to: optional(isoDay),
  cursor: optional(z.string().max(200)),
});
export type TransactionFilters = z.infer<typeof transactionFiltersSchema>;

export function parseTransactionFilters(params: Record<string, string | string[] | undefined> | URLSearchParams): TransactionFilters {
  const obj = params instanceof URLSearchParams ? Object.fromEntries(params) : params;
  return transactionFiltersSchema.parse(obj);
}

/** The filters as a query string (without the cursor), for links and the CSV export. */
export function filtersToQuery(f: TransactionFilters, extra: Record<string, string> = {}): string {
  const out = new URLSearchParams();
  if (f.q) out.set('q', f.q);
  if (f.status) out.set('status', f.status);
  if (f.method) out.set('method', f.method);
  if (f.flagged) out.set('flagged', '1');
  if (f.from) out.set('from', f.from);
  if (f.to) out.set('to', f.to);
  for (const [k, v] of Object.entries(extra)) out.set(k, v);
  return out.toString();
}

// The cursor carries created_at in whole microseconds (PostgreSQL's precision; a JS Date would
// round to milliseconds and skip or repeat rows at page edges) and the id as the tie-breaker.
export type Cursor = { createdUs: string; id: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdUs}.${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const m = /^(\d{1,20})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(text);
  return m ? { createdUs: m[1], id: m[2] } : null;
}
