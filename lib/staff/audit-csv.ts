// The audit log as CSV, with the same filters as the page, read in keyset batches (by id) so an
// export of any length streams with bounded memory.
import type { Queryable } from '@/db/client';
import { listAudit, type AuditFilters } from '@/lib/audit';
import { CSV_BOM, csvLine } from '@/lib/csv';
import { nairobiMinute } from '@/lib/nairobi-time';
import type { Viewer } from '@/lib/viewer';
import { auditActionLabel, auditDetailRows } from './audit-labels';

export const AUDIT_CSV_COLUMNS = ['Time (EAT)', 'Who', 'Email', 'What', 'Action code', 'About', 'Payment reference', 'Record id', 'Details'] as const;

export async function* auditCsv(db: Queryable, viewer: Viewer, f: AuditFilters, batch = 500): AsyncGenerator<string> {
  yield CSV_BOM + csvLine(AUDIT_CSV_COLUMNS);
  let before: number | undefined;
  do {
    const page = await listAudit(db, viewer, { ...f, before, limit: batch });
    yield page.rows
      .map(({ entry, actorName, actorEmail, targetReference }) =>
        csvLine([
          nairobiMinute(entry.at),
          actorName,
          actorEmail,
          auditActionLabel(entry.action),
          entry.action,
          entry.targetType,
          targetReference ?? '',
          entry.targetId ?? '',
          auditDetailRows(entry.detail).map((r) => `${r.label}: ${r.value}`).join('; '),
        ]),
      )
      .join('');
    before = page.nextBefore ?? undefined;
  } while (before);
}
