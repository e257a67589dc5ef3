// Every rejected row of an import's preview as CSV (the page lists the first 1,000), plus the
// paid installments an import kept, so the file can be fixed in the core system.
import { getDb } from '@/db/client';
import { getImport } from '@/lib/book/imports';
import { CSV_BOM, csvLine } from '@/lib/csv';
import { requireStaffForRoute } from '@/lib/staff/session';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { viewer, denied } = await requireStaffForRoute();
  if (denied) return denied;
  const imp = await getImport(await getDb(), viewer, (await params).id);
  if (!imp) return Response.json({ error: 'Not found.' }, { status: 404 });
  const kept = imp.result?.kept ?? imp.preview.counts.kept;
  const lines = [
    csvLine(['line', 'column', 'policy_number', 'reason']),
    ...imp.preview.rejected.map((r) => csvLine([String(r.line), r.column ?? '', r.policyNumber ?? '', r.reason])),
    ...kept.map((k) => csvLine([k.line ? String(k.line) : '', 'amount', k.policyNumber, `Kept (paid): due ${k.dueDate}. ${k.reason}`])),
  ];
  return new Response(CSV_BOM + lines.join(''), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="rejected-rows-${imp.id.slice(0, 8)}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
