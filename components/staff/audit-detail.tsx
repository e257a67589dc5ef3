// An audit record's detail as "label: value" lines, in words (see lib/staff/audit-labels.ts).
import { auditDetailRows } from '@/lib/staff/audit-labels';

export function AuditDetail({ detail }: { detail: unknown }) {
  const rows = auditDetailRows(detail, { forScreen: true });
  if (!rows.length) return null;
  return (
    <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-xs text-slate-700">
      {rows.map((r) => (
        <div key={r.key} className="contents">
          <dt className="font-medium text-slate-600">{r.label}</dt>
          <dd className="min-w-0 break-words">{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}
