// The payment history's filters as they travel in the URL. Parsed once at the edge with zod; a
// value that does not parse is dropped (the page shows everything rather than an error), so an
// old bookmark or a hand-edited link always lands somewhere sensible.
import { z } from 'zod';
import { uuidField, isUuid } from '@/lib/uuid';
import { paymentMethod, paymentStatus } from '@/db/schema';
import { isCalendarDate } from '@/lib/nairobi-time';

/** Each payment status, plus "unsuccessful": failed, cancelled or expired (the summary's "Failed"). */
export const STATUS_FILTERS = [...paymentStatus.enumValues, 'unsuccessful'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const UNSUCCESSFUL = ['failed', 'cancelled', 'expired'] as const;

/** Where the last row of a page sits: created_at to the microsecond (as UTC ISO text) and id. */
export type HistoryCursor = { createdAt: string; id: string };

export type HistoryFilters = {
  /** Upper-cased, spaces removed: our reference, an M-Pesa receipt or a Paystack reference (or a prefix). */
  q?: string;
  status?: StatusFilter;
  method?: (typeof paymentMethod.enumValues)[number];
  policyId?: string;
  /** Nairobi calendar days, inclusive. */
  from?: string;
  to?: string;
  cursor?: HistoryCursor;
  /** What we changed in what was asked, so the page can say so (never silently). */
  notes?: HistoryNote[];
};

/** search-ignored: the search had characters no reference contains; dates-swapped: "from" was after "to". */
export const HISTORY_NOTES = ['search-ignored', 'dates-swapped'] as const;
export type HistoryNote = (typeof HISTORY_NOTES)[number];

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

const search = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9_.-]{0,59}$/));
const day = z.string().refine(isCalendarDate);
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const fields = {
  q: search,
  status: z.enum(STATUS_FILTERS),
  method: z.enum(paymentMethod.enumValues),
  policy: uuidField().transform((s) => s.toLowerCase()),
  from: day,
  to: day,
};

function first(params: RawParams, key: string): string | undefined {
  const v = params instanceof URLSearchParams ? params.get(key) : params[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === null || s.trim() === '' ? undefined : s.trim();
}

function all(params: RawParams, key: string): string[] {
  const v = params instanceof URLSearchParams ? params.getAll(key) : params[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).slice(0, 4);
}

function pick<T>(schema: z.ZodType<T>, value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

export function parseHistoryQuery(params: RawParams): HistoryFilters {
  const f: HistoryFilters = {
    q: pick(fields.q, first(params, 'q')),
    status: pick(fields.status, first(params, 'status')),
    method: pick(fields.method, first(params, 'method')),
    policyId: pick(fields.policy, first(params, 'policy')),
    from: pick(fields.from, first(params, 'from')),
    to: pick(fields.to, first(params, 'to')),
    cursor: decodeCursor(first(params, 'cursor') ?? '') ?? undefined,
  };
  const notes = new Set<HistoryNote>();
  for (const n of all(params, 'note')) if ((HISTORY_NOTES as readonly string[]).includes(n)) notes.add(n as HistoryNote);
  const rawQ = first(params, 'q');
  if (rawQ !== undefined && f.q === undefined) notes.add('search-ignored');
  // "From 30 Nov to 1 Nov" means the same days as the other way round; the page says it swapped them.
  if (f.from && f.to && f.from > f.to) {
    [f.from, f.to] = [f.to, f.from];
    notes.add('dates-swapped');
  }
  if (notes.size) f.notes = [...notes].sort();
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as HistoryFilters;
}

/** The canonical query string for these filters (empty and invalid values left out). */
export function historySearchParams(f: HistoryFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.status) p.set('status', f.status);
  if (f.method) p.set('method', f.method);
  if (f.policyId) p.set('policy', f.policyId);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.cursor) p.set('cursor', encodeCursor(f.cursor));
  for (const n of f.notes ?? []) p.append('note', n);
  return p;
}

/** `?status=completed&…`, or '' when nothing is set. */
export function historyQueryString(f: HistoryFilters): string {
  const s = historySearchParams(f).toString();
  return s ? `?${s}` : '';
}

/** Whether anything narrows the list (the cursor only pages through it). */
export function hasFilters(f: HistoryFilters): boolean {
  return Boolean(f.q || f.status || f.method || f.policyId || f.from || f.to);
}

// Opaque to the holder (base64url), so the URL does not invite editing timestamps by hand.
export function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(`${c.createdAt}_${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(s: string): HistoryCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(s)) return null;
  const [createdAt, id, ...rest] = Buffer.from(s, 'base64url').toString('utf8').split('_');
  if (rest.length || !createdAt || !id || !CURSOR_AT.test(createdAt) || !isUuid(id)) return null;
  if (Number.isNaN(Date.parse(createdAt))) return null;
  return { createdAt, id: id.toLowerCase() };
}
