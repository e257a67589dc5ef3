import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { AuditDetail } from '@/components/staff/audit-detail';
import { listAudit } from '@/lib/audit';
import { requireStaff } from '@/lib/staff/session';
import { formatDateTime } from '@/lib/format';

export const metadata: Metadata = { title: 'Audit log · Staff' };
export const dynamic = 'force-dynamic';

function targetLink(type: string, id: string | null) {
  if (type === 'payment' && id) return `/staff/transactions/${id}`;
  if (type === 'refund') return '/staff/refunds?tab=all';
  return null;
}

export default async function StaffAuditPage({ searchParams }: { searchParams: Promise<{ before?: string | string[] }> }) {
  const viewer = await requireStaff('/staff/audit');
  const raw = (await searchParams).before;
  const before = typeof raw === 'string' && /^\d{1,18}$/.test(raw) ? Number(raw) : undefined;
  const { rows, nextBefore } = await listAudit(await getDb(), viewer, { before, limit: 50 });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Audit log</h1>
      <p className="text-sm text-slate-600">Every staff action, newest first. Entries are never changed or removed.</p>
      {rows.length === 0 ? (
        <p className="card text-slate-600">No staff actions yet.</p>
      ) : (
        <ol className="card divide-y divide-slate-100 p-0" data-testid="audit-log">
          {rows.map(({ entry, actorName, actorEmail }) => {
            const href = targetLink(entry.targetType, entry.targetId);
            return (
              <li key={entry.id} className="grid gap-1 px-4 py-3 text-sm md:grid-cols-[13rem_13rem_1fr] md:gap-x-4" data-testid="audit-entry">
                <span className="text-xs text-slate-600 md:text-sm">{formatDateTime(entry.at, { seconds: true })}</span>
                <span>
                  <span className="font-mono font-semibold">{entry.action}</span>
                  <span className="block text-xs text-slate-600" title={actorEmail}>{actorName}</span>
                </span>
                <span className="min-w-0">
                  {href ? (
                    <Link href={href} className="font-mono text-xs text-brand-700 hover:underline">{entry.targetType} {entry.targetId}</Link>
                  ) : (
                    <span className="font-mono text-xs">{entry.targetType}</span>
                  )}
                  <AuditDetail detail={entry.detail} />
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div className="flex justify-end gap-2">
        {before && <Link href="/staff/audit" className="btn-secondary">Newest</Link>}
        {nextBefore && <Link href={`/staff/audit?before=${nextBefore}`} className="btn-secondary">Older →</Link>}
      </div>
    </div>
  );
}
