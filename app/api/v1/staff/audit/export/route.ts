// CSV of the audit log with the page's filters (who, what, when). Staff only; the export itself
// is recorded too.
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit';
import { csvDownload, csvStream } from '@/lib/csv';
import { log } from '@/lib/log';
import { nairobiCompactDate } from '@/lib/nairobi-time';
import { auditCsv } from '@/lib/staff/audit-csv';
import { auditQueryString, parseAuditQuery } from '@/lib/staff/audit-filters';
import { requireStaffForRoute } from '@/lib/staff/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: Request) {
  const { viewer, denied } = await requireStaffForRoute();
  if (denied) return denied;
  const { before: _ignored, swapped: _said, ...filters } = parseAuditQuery(new URL(req.url).searchParams);
  const db = await getDb();
  await recordAudit(db, { actorId: viewer.userId, action: 'audit.export', targetType: 'audit', detail: { filters: auditQueryString(filters).slice(1) || 'none' } });
  const body = csvStream(auditCsv(db, viewer, filters), (err) => log.error({ event: 'export.failed', err }, 'audit export failed'));
  return csvDownload(body, `malipo-audit-${nairobiCompactDate(new Date(), true)}.csv`);
}
