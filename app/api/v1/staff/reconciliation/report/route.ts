// The reconciliation report as CSV: per day and channel, opening and closing position, gross, fees,
// net (statement and ledger), counts, breaks open/resolved. ?from=&to= (YYYY-MM-DD) narrow it.
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit';
import { csvDownload, csvLine, csvStream, CSV_BOM } from '@/lib/csv';
import { isCalendarDate, nairobiCompactDate } from '@/lib/nairobi-time';
import { REPORT_CSV_HEADER, reportCsvRow, reportDays } from '@/lib/reconciliation/report';
import { requireStaffForRoute } from '@/lib/staff/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: Request) {
  const { viewer, denied } = await requireStaffForRoute('recon.view');
  if (denied) return denied;
  const params = new URL(req.url).searchParams;
  const day = (name: string) => {
    const v = params.get(name) ?? '';
    return isCalendarDate(v) ? v : undefined;
  };
  const db = await getDb();
  const days = await reportDays(db, { from: day('from'), to: day('to'), limit: 400 });
  await recordAudit(db, { actorId: viewer.userId, action: 'recon.export_report', targetType: 'recon_report', detail: { from: day('from') ?? null, to: day('to') ?? null, rows: days.length } });
  async function* chunks() {
    yield CSV_BOM + csvLine(REPORT_CSV_HEADER);
    for (const d of days) yield csvLine(reportCsvRow(d));
  }
  return csvDownload(csvStream(chunks()), `malipo-reconciliation-${nairobiCompactDate()}.csv`);
}
