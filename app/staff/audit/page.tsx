import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { AuditDetail } from '@/components/staff/audit-detail';
import { auditActions, auditActors, listAudit } from '@/lib/audit';
import { requireStaff } from '@/lib/staff/session';
import { formatDateTime } from '@/lib/format';
import { auditActionLabel } from '@/lib/staff/audit-labels';
import { auditQueryString, parseAuditQuery } from '@/lib/staff/audit-filters';

export const metadata: Metadata = { title: 'Audit log · Staff' };
export const dynamic = 'force-dynamic';

function targetLink(type: string, id: string | null) {
  if (type === 'payment' && id) return `/staff/transactions/${id}`;
  if (type === 'refund') return '/staff/refunds?tab=all';
  if (type === 'book_import' && id) return `/staff/book/imports/${id}`;
  if (type === 'user' && id) return `/staff/holders/${id}`;
  return null;
}

const TARGET_WORDS: Record<string, string> = { payment: 'Payment', refund: 'Refund of payment', transactions: 'Transactions' };

export default async function StaffAuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireStaff('/staff/audit');
  const q = parseAuditQuery(await searchParams);
  const db = await getDb();
  const [{ rows, nextBefore }, actors, actions] = await Promise.all([
    listAudit(db, viewer, { ...q, limit: 50 }),
    auditActors(db, viewer),
    auditActions(db, viewer),
  ]);
  const filtered = Boolean(q.actorId || q.action || q.from || q.to);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">Audit log</h1>
        <a href={`/api/v1/staff/audit/export${auditQueryString(q)}`} download className="btn-secondary min-h-11 px-4 text-sm">
          Export CSV
        </a>
      </div>
      <p className="text-sm text-slate-600">Every staff action, newest first. Entries are never changed or removed.</p>

      <form method="get" action="/staff/audit" className="card grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_10rem_10rem_auto]" aria-label="Filter the audit log">
        <div>
          <label htmlFor="who" className="label">Who</label>
          <select id="who" name="who" defaultValue={q.actorId ?? ''} className="field">
            <option value="">Anyone</option>
            {actors.map((a) => (
              <option key={a.id} value={a.id}>{a.name || a.email}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="what" className="label">What</label>
          <select id="what" name="what" defaultValue={q.action ?? ''} className="field">
            <option value="">Any action</option>
            {actions.map((a) => (
              <option key={a} value={a}>{auditActionLabel(a)}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from" className="label">From (Nairobi date)</label>
          <input id="from" name="from" type="date" defaultValue={q.from ?? ''} className="field" />
        </div>
        <div>
          <label htmlFor="to" className="label">To (Nairobi date)</label>
          <input id="to" name="to" type="date" defaultValue={q.to ?? ''} className="field" />
        </div>
        <div className="flex items-end gap-2">
          <button className="btn-primary">Filter</button>
          {filtered && <Link href="/staff/audit" className="btn-secondary">Clear</Link>}
        </div>
      </form>
      {q.swapped && (
        <p role="status" className="rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950" data-testid="audit-dates-swapped">
          The &ldquo;from&rdquo; date was after the &ldquo;to&rdquo; date, so we swapped them.
        </p>
      )}

      {rows.length === 0 ? (
        <p className="card text-slate-600">{filtered ? 'No staff actions match these filters.' : 'No staff actions yet.'}</p>
      ) : (
        <ol className="card divide-y divide-slate-100 p-0" data-testid="audit-log">
          {rows.map(({ entry, actorName, actorEmail, targetReference }) => {
            const href = targetLink(entry.targetType, entry.targetId);
            const target = `${TARGET_WORDS[entry.targetType] ?? entry.targetType}${targetReference ? ` ${targetReference}` : ''}`;
            return (
              <li key={entry.id} className="grid gap-1 px-4 py-3 text-sm md:grid-cols-[13rem_16rem_1fr] md:gap-x-4" data-testid="audit-entry" data-action={entry.action}>
                <span className="text-xs text-slate-600 md:text-sm">{formatDateTime(entry.at, { seconds: true })}</span>
                <span>
                  <span className="font-semibold">{auditActionLabel(entry.action)}</span>
                  <span className="block text-xs text-slate-600" title={actorEmail}>by {actorName || actorEmail}</span>
                </span>
                <span className="min-w-0">
                  {href ? (
                    <Link href={href} className="text-sm font-medium text-brand-700 hover:underline">{target}</Link>
                  ) : (
                    <span className="text-sm">{target}</span>
                  )}
                  <AuditDetail detail={entry.detail} />
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div className="flex justify-end gap-2">
        {q.before && <Link href={`/staff/audit${auditQueryString(q)}`} className="btn-secondary">Newest</Link>}
        {nextBefore && <Link href={`/staff/audit${auditQueryString(q, { before: nextBefore })}`} className="btn-secondary">Older →</Link>}
      </div>
    </div>
  );
}
