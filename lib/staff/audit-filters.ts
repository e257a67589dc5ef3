// The audit log's filters as they travel in the URL (who, what, when), parsed once with zod. A
// value that does not parse is dropped; "from" after "to" is swapped and said so.
import { z } from 'zod';
import { uuidField } from '@/lib/uuid';
import { isCalendarDate } from '@/lib/nairobi-time';
import type { AuditFilters } from '@/lib/audit';

const schema = z.object({
  who: uuidField().optional().catch(undefined),
  what: z.string().regex(/^[a-z_]{1,40}\.[a-z_]{1,40}$/).optional().catch(undefined),
  from: z.string().refine(isCalendarDate).optional().catch(undefined),
  to: z.string().refine(isCalendarDate).optional().catch(undefined),
  before: z.string().regex(/^\d{1,18}$/).transform(Number).optional().catch(undefined),
});

export type ParsedAuditQuery = AuditFilters & { before?: number; swapped?: boolean };

export function parseAuditQuery(raw: Record<string, string | string[] | undefined> | URLSearchParams): ParsedAuditQuery {
  const get = (k: string) => {
    const v = raw instanceof URLSearchParams ? raw.get(k) ?? undefined : raw[k];
    const s = Array.isArray(v) ? v[0] : v;
    return s && s.trim() ? s.trim() : undefined;
  };
  const p = schema.parse({ who: get('who'), what: get('what'), from: get('from'), to: get('to'), before: get('before') });
  const out: ParsedAuditQuery = { actorId: p.who?.toLowerCase(), action: p.what, from: p.from, to: p.to, before: p.before };
  if (out.from && out.to && out.from > out.to) {
    [out.from, out.to] = [out.to, out.from];
    out.swapped = true;
  }
  return out;
}

/** The query string for these filters (the page cursor and the note left out unless asked). */
export function auditQueryString(f: ParsedAuditQuery, extra: { before?: number } = {}): string {
  const p = new URLSearchParams();
  if (f.actorId) p.set('who', f.actorId);
  if (f.action) p.set('what', f.action);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (extra.before) p.set('before', String(extra.before));
  const s = p.toString();
  return s ? `?${s}` : '';
}
