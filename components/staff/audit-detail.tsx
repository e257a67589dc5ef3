// An audit record's detail as "key: value" lines, readable without knowing JSON.
export function AuditDetail({ detail }: { detail: unknown }) {
  if (!detail || typeof detail !== 'object') return null;
  const entries = Object.entries(detail as Record<string, unknown>).filter(([, v]) => v !== null && v !== '' && v !== undefined);
  if (!entries.length) return null;
  return (
    <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-xs text-slate-600">
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="font-medium text-slate-600">{k}</dt>
          <dd className="min-w-0 break-words">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
