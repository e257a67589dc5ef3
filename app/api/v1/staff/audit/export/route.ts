// CSV of the audit log with the page's filters (who, what, when). Staff only; the export itself
// is recorded too.
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit';
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
  const chunks = auditCsv(db, viewer, filters);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        // Abort rather than end cleanly, so a failure never looks like a complete (short) file.
        console.error('audit export failed', err);
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const stamp = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="malipo-audit-${stamp}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
